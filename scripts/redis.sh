#!/usr/bin/env bash
# scripts/redis.sh — make sure a Redis server answers on 127.0.0.1:6379.
#
# If `redis-cli -h 127.0.0.1 ping` already answers PONG, do nothing. Otherwise
# start a daemonized, non-persistent redis-server bound to 127.0.0.1:6379
# (logfile under /tmp) and wait up to 10s for PONG. Install redis-server with
# scripts/setup.sh first.
set -euo pipefail

host=127.0.0.1
port=6379
logfile="${TMPDIR:-/tmp}/socketeer-redis.log"

ping() { [ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = PONG ]; }

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
	echo "redis: redis-server/redis-cli not installed; run scripts/setup.sh" >&2
	exit 1
fi

if ping; then
	echo "redis: ok (PONG from $host:$port)"
	exit 0
fi

echo "redis: starting redis-server on $host:$port (log: $logfile)"
redis-server --daemonize yes --bind "$host" --port "$port" \
	--save "" --appendonly no --dir "${TMPDIR:-/tmp}" --logfile "$logfile" </dev/null

for _ in $(seq 1 100); do # 100 x 0.1s = 10s
	if ping; then
		echo "redis: ok (PONG from $host:$port)"
		exit 0
	fi
	sleep 0.1
done

echo "redis: no PONG from $host:$port after 10s; last lines of $logfile:" >&2
tail -n 20 "$logfile" >&2 || true
exit 1
