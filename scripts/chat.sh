#!/usr/bin/env bash
# scripts/chat.sh — run Socketeer's main example, the browser chat, on a
# fresh machine: installs what it needs (scripts/setup.sh: npm packages,
# the socket.io-client bundle the page loads, and apt packages when run as
# root), then serves the chat until Ctrl-C.
#
#   bash scripts/chat.sh            # http://localhost:5000
#   PORT=8080 bash scripts/chat.sh  # another port
#   HOST=0.0.0.0 bash scripts/chat.sh  # reachable from other machines
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

bash scripts/setup.sh
export PORT="${PORT:-5000}"
echo "chat: building and starting; then open http://localhost:${PORT} in a browser (two tabs to chat)"
exec go run ./examples/chat
