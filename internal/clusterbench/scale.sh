#!/usr/bin/env bash
# One cluster benchmark run (docs/scale.md): starts NODES servers of one
# kind on one Redis (or on a Redis Cluster of its own), runs
# internal/clusterbench against them, stops everything. Loopback only.
#
#   internal/clusterbench/scale.sh SERVER ADAPTER [clusterbench flags...]
#
#   SERVER   socketeer (examples/bench) | node (interop/cluster/bench-server.js,
#            socket.io 4.8 with Node's Redis adapters)
#   ADAPTER  pubsub | streams | sharded | sharded-dynamic
#            (sharded*: on a Redis Cluster of REDIS_MASTERS masters that this
#            script starts on free ports and stops; the others: on REDIS_URL)
#
# Environment: NODES=5, PER=19500 (connections per node), PORT0=4051 (first
# node's port), REDIS_URL=redis://127.0.0.1:6379/0, REDIS_MASTERS=3,
# RECOVERY (passed to the servers), SRC=60 (clusterbench's source networks
# 127.SRC+i.x: use a fresh one per run so that no TIME_WAIT ports collide).
#
# Examples:
#   internal/clusterbench/scale.sh socketeer pubsub -reps 5
#   NODES=3 PER=4000 internal/clusterbench/scale.sh node sharded-dynamic -rooms 10000 -members 10 -hosts 1
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
server=${1:?usage: scale.sh SERVER ADAPTER [flags]}
kind=${2:?usage: scale.sh SERVER ADAPTER [flags]}
shift 2
NODES=${NODES:-5}
PER=${PER:-19500}
PORT0=${PORT0:-4051}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
REDIS_MASTERS=${REDIS_MASTERS:-3}

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# free_port: a TCP port nothing listens on (and, for Redis Cluster, whose
# bus port +10000 is free too).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$((p + 10000))") 2>/dev/null && continue
		echo "$p" && return
	done
}

env_redis=()
redis_addrs=$REDIS_URL
mode=static
case $kind in
pubsub | streams) env_redis=("REDIS_URL=$REDIS_URL" "REDIS_ADAPTER=$kind") ;;
sharded | sharded-dynamic | sharded-dynamic-private)
	[[ $kind == sharded ]] || mode=${kind#sharded-}
	addrs=()
	for i in $(seq "$REDIS_MASTERS"); do
		p=$(free_port)
		mkdir -p "$work/redis-$p"
		redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$work/redis-$p/nodes.conf" \
			--save '' --appendonly no --dir "$work/redis-$p" --daemonize no --logfile "$work/redis-$p/log" &
		pids+=($!)
		addrs+=("127.0.0.1:$p")
	done
	for a in "${addrs[@]}"; do
		until redis-cli -h 127.0.0.1 -p "${a#*:}" ping >/dev/null 2>&1; do sleep 0.1; done
	done
	redis-cli --cluster create "${addrs[@]}" --cluster-yes >"$work/cluster-create.log"
	until redis-cli -p "${addrs[0]#*:}" cluster info | grep -q 'cluster_state:ok'; do sleep 0.2; done
	redis_addrs=$(
		IFS=,
		echo "${addrs[*]}"
	)
	env_redis=("REDIS_CLUSTER=$redis_addrs" "REDIS_ADAPTER=sharded" "REDIS_SUBSCRIPTION_MODE=$mode")
	;;
*) echo "scale.sh: ADAPTER $kind: want pubsub, streams, sharded, sharded-dynamic or sharded-dynamic-private" >&2 && exit 2 ;;
esac
[[ -z ${RECOVERY:-} ]] || env_redis+=("RECOVERY=$RECOVERY")

case $server in
socketeer)
	(cd "$root" && go build -o "$work/bench" ./examples/bench && go build -o "$work/clusterbench" ./internal/clusterbench)
	cmd=("$work/bench")
	;;
node)
	(cd "$root" && go build -o "$work/clusterbench" ./internal/clusterbench)
	cmd=(node "$root/interop/cluster/bench-server.js")
	;;
*) echo "scale.sh: SERVER $server: want socketeer or node" >&2 && exit 2 ;;
esac

nodes=()
spids=()
for i in $(seq 0 $((NODES - 1))); do
	port=$((PORT0 + i))
	env "${env_redis[@]}" PORT=$port HOST=127.0.0.1 "${cmd[@]}" >"$work/node-$i.log" 2>&1 &
	pids+=($!)
	spids+=($!)
	nodes+=("127.0.0.1:$port")
done
for n in "${nodes[@]}"; do
	for _ in $(seq 300); do (exec 3<>"/dev/tcp/${n%:*}/${n#*:}") 2>/dev/null && break; sleep 0.1; done
done
sleep 1
echo "scale.sh: $server, $kind ($mode), $NODES nodes × $PER, Redis $redis_addrs" >&2
"$work/clusterbench" -nodes "$(
	IFS=,
	echo "${nodes[*]}"
)" -per "$PER" -pids "$(
	IFS=,
	echo "${spids[*]}"
)" -redis "$redis_addrs" -src "${SRC:-60}" "$@"
