#!/usr/bin/env bash
# Every figure of issue 17 in one run, on a quiet machine: the benchmark
# suite's echo, broadcast and scale scenarios for Node's socket.io, the
# suite's stub server and Socketeer (examples/bench), then the fixed-rate
# ack latency (examples/bench/ratebench) for Node and Socketeer, at half of
# Node's echo maximum, alone and under a broadcast storm. Prints markdown
# tables; the JSON lines stay in $OUT.
#
#   examples/bench/sidebyside.sh            # from anywhere in the clone
#
# Needs what the suite's run.sh needs (Go, Node and npm, taskset) and python3 for the tables.
#
# Environment:
#   BENCH=<repo>/../shared/bench   the benchmark suite (its run.sh, CONTRACT.md)
#   REPS=3                         repetitions of each harness scenario
#   OUT=$(mktemp -d)               where results and server logs go
#   DURATION=10s                   measured time of echo, broadcast and latency runs
#   RATE=                          fixed latency rate (default: half of Node's median echo acks/s)
#   STORM=50 RECEIVERS=1000        broadcasts per second and receivers of the storm run
#   SCALE_N=19500                  idle websockets of the scale scenario
#   SCENARIOS="echo broadcast scale latency"   what to run
#   RECOVERY=                      also run Socketeer with connection state recovery on
#                                  (a Go duration, e.g. 2m) as "socketeer-recovery", in
#                                  the harness scenarios, to measure what recovery costs
#   SERVER_CPU=0 LOADGEN_CPU=1     cores (as in the suite's run.sh)
#   PORT=3000                      the servers' port
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH=${BENCH:-$ROOT/../shared/bench}
BENCH=$(cd "$BENCH" && pwd) || { echo "sidebyside: no benchmark suite at \$BENCH" >&2; exit 1; }
OUT=${OUT:-$(mktemp -d)}
# Work on a copy: the suite's run.sh writes builds, node_modules and logs
# into its own folder, and the suite is not ours to write into.
mkdir -p "$OUT/bench" && cp -rT "$BENCH" "$OUT/bench" && chmod -R u+w "$OUT/bench"
BENCH=$OUT/bench
REPS=${REPS:-3}
DURATION=${DURATION:-10s}
STORM=${STORM:-50}
RECEIVERS=${RECEIVERS:-1000}
SCALE_N=${SCALE_N:-19500}
SCENARIOS=${SCENARIOS:-echo broadcast scale latency}
SERVER_CPU=${SERVER_CPU:-0}
LOADGEN_CPU=${LOADGEN_CPU:-1}
PORT=${PORT:-3000}
export PORT SERVER_CPU LOADGEN_CPU
mkdir -p "$OUT/bin"
RESULTS=$OUT/harness.jsonl
LATENCY=$OUT/latency.jsonl

log() { echo "== $*" >&2; }

PEERS=(node stub socketeer)
[[ -z ${RECOVERY:-} ]] || PEERS+=(socketeer-recovery)

# run_peer PEER SCENARIO FLAGS...: one harness run of PEER.
run_peer() {
  local peer=$1 sc=$2; shift 2
  case $peer in
    socketeer) RESULTS=$RESULTS BENCH_NAME=socketeer "$BENCH/run.sh" custom "$sc" "$@" -- "$SERVER" ;;
    socketeer-recovery)
      RESULTS=$RESULTS BENCH_NAME=socketeer-recovery "$BENCH/run.sh" custom "$sc" "$@" -- env "RECOVERY=$RECOVERY" "$SERVER" ;;
    *) RESULTS=$RESULTS "$BENCH/run.sh" "$peer" "$sc" "$@" ;;
  esac >/dev/null
}

log "building examples/bench and ratebench into $OUT/bin"
(cd "$ROOT" && go build -o "$OUT/bin/socketeer-bench" ./examples/bench &&
  go build -o "$OUT/bin/ratebench" ./examples/bench/ratebench)
SERVER=$OUT/bin/socketeer-bench

# harness SCENARIO [flags]: node, stub and socketeer, REPS times.
harness() {
  local sc=$1; shift
  for rep in $(seq "$REPS"); do
    for peer in "${PEERS[@]}"; do
      log "$sc, $peer, repetition $rep"
      run_peer "$peer" "$sc" "$@" || log "$sc/$peer failed, continuing"
    done
  done
}

for sc in $SCENARIOS; do
  case $sc in
    echo | broadcast) harness "$sc" -d "$DURATION" ;;
    scale)
      # A fresh source network per run, so that no TIME_WAIT ports collide.
      net=0
      for rep in $(seq "$REPS"); do
        for peer in "${PEERS[@]}"; do
          net=$((net + 1))
          log "scale, $peer, repetition $rep"
          run_peer "$peer" scale -n "$SCALE_N" -c 50 -srcnet "127.77.$net" -srcn 4 -reps 5 ||
            log "scale/$peer failed, continuing"
        done
      done ;;
  esac
done

# The node peer lives where run.sh ran it: in $BENCH, or in its writable
# copy when $BENCH is read-only.
node_server() {
  local dir=$BENCH
  [[ -w $BENCH ]] || dir=${BENCH_WORK:-$HOME/.cache/socketeer-bench}
  [[ -d $dir/peers/node-socketio/node_modules/socket.io ]] || RESULTS=/dev/null "$BENCH/run.sh" node connect -n 10 >/dev/null
  echo "$dir/peers/node-socketio/server.js"
}

# median_rate NAME: the median echo acks/s of NAME in the harness results.
median_rate() {
  python3 - "$RESULTS" "$1" <<'EOF'
import json, sys
rates = sorted(r["ops_per_sec"] for r in map(json.loads, open(sys.argv[1]))
               if r.get("server") == sys.argv[2] and r.get("scenario") == "echo" and r.get("ops_per_sec"))
print(int(rates[len(rates) // 2]) if rates else "")
EOF
}

# latency NAME CMD...: start the server on SERVER_CPU, run ratebench on
# LOADGEN_CPU alone and under the storm, stop the server.
latency() {
  local name=$1; shift
  for flags in "" "-receivers $RECEIVERS -storm $STORM"; do
    for rep in $(seq "$REPS"); do
      (export HOST=127.0.0.1; exec taskset -c "$SERVER_CPU" "$@") >"$OUT/$name-latency.log" 2>&1 &
      local pid=$!
      for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
      log "latency, $name, ${flags:-alone}, repetition $rep"
      # shellcheck disable=SC2086 # flags is a word list
      taskset -c "$LOADGEN_CPU" "$OUT/bin/ratebench" -addr "127.0.0.1:$PORT" -server "$name" -c 50 \
        -rate "$RATE" -d "$DURATION" -srcnet "127.78.$rep" $flags >>"$LATENCY" || log "ratebench failed for $name"
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
  done
}

if [[ " $SCENARIOS " == *" latency "* ]]; then
  RATE=${RATE:-}
  if [[ -z $RATE ]]; then
    max=$(median_rate node)
    [[ -n $max ]] || { log "no echo result of node to take half of: set RATE"; exit 1; }
    RATE=$((max / 2))
  fi
  log "fixed-rate latency at $RATE acks/s"
  latency node node "$(node_server)"
  latency socketeer "$SERVER"
fi

echo
echo "## Harness scenarios ($REPS repetitions; $RESULTS)"
if [[ -s $RESULTS ]]; then
  # The suite's table cannot read scale lines (their "broadcasts" is a
  # list): it gets the other lines, and the scale lines are summed up here.
  grep -v '"scenario":"scale"' "$RESULTS" >"$OUT/table.jsonl" || true
  [[ -x $BENCH/loadgen/loadgen ]] || (cd "$BENCH/loadgen" && go build -o loadgen .) # run.sh table needs it
  [[ ! -s $OUT/table.jsonl ]] || "$BENCH/run.sh" table "$OUT/table.jsonl"
  python3 - "$RESULTS" <<'EOF'
import json, statistics, sys
rows = {}
for r in map(json.loads, open(sys.argv[1])):
    if r.get("scenario") == "scale":
        rows.setdefault(r["server"], []).append(r)
if rows:
    print()
    print("| server | scale: conns | KiB/conn idle | KiB/conn after broadcasts | broadcast to all, last receipt ms | server CPU ms per broadcast | conn/s | runs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for srv, rs in rows.items():
        med = lambda f: statistics.median(f(r) for r in rs)
        print(f"| {srv} | {rs[0]['open']} | {med(lambda r: r['kib_per_conn']):.1f} | "
              f"{med(lambda r: (r['rss_after_bcast_kib'] - r['rss_before_kib']) / r['n']):.1f} | "
              f"{med(lambda r: r['bcast_last_median_ms']):.0f} | {med(lambda r: r['bcast_server_cpu_ms_median']):.0f} | "
              f"{med(lambda r: r['conn_per_s']):.0f} | {len(rs)} |")
EOF
fi
if [[ -s $LATENCY ]]; then
  echo
  echo "## Fixed-rate ack latency, medians of $REPS ($LATENCY)"
  python3 - "$LATENCY" <<'EOF'
import json, statistics, sys
rows = {}
for r in map(json.loads, open(sys.argv[1])):
    rows.setdefault((r["scenario"], r["server"]), []).append(r)
print("| scenario | server | target/s | acks/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | runs |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for (sc, srv), rs in sorted(rows.items()):
    med = lambda k: statistics.median(r[k] for r in rs)
    print(f"| {sc} | {srv} | {rs[0]['target_rate']:.0f} | {med('acks_per_sec'):.0f} | {med('p50_ms'):.3f} | "
          f"{med('p99_ms'):.3f} | {med('p999_ms'):.3f} | {med('max_ms'):.3f} | {sum(r['errors'] for r in rs)} | {len(rs)} |")
EOF
fi
