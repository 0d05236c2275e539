#!/usr/bin/env bash
# Side-by-side redis-benchmark: redrock vs Debian's redis-server, in one run, alternating
# between the servers per test so both see the same machine state. Prints ops/s and the
# redrock/redis ratio. Both servers run with durability "everysec" (redis: AOF everysec).
#
# usage: tools/bench/compare_redis.sh [-n requests] [-c clients] [-t tests] [-P "1 16"]
set -euo pipefail
cd "$(dirname "$0")/../.."

requests=200000
clients=50
tests="set,get,incr"
pipelines="1 16"
extra=()
while getopts "n:c:t:P:r:d:" opt; do
  case $opt in
    n) requests=$OPTARG ;;
    c) clients=$OPTARG ;;
    t) tests=$OPTARG ;;
    P) pipelines=$OPTARG ;;
    r) extra+=(-r "$OPTARG") ;;
    d) extra+=(-d "$OPTARG") ;;
    *) exit 2 ;;
  esac
done

server=${REDROCK_SERVER:-build/redrock-server}
[ -x "$server" ] || { echo "build first: $server missing" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "redis-benchmark missing (redis-tools)" >&2; exit 1; }

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
rr_port=$(free_port)
rd_port=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$server" --port "$rr_port" --bind 127.0.0.1 --dir "$work/redrock" --appendfsync everysec \
  --loglevel warning >"$work/redrock.log" 2>&1 &
pids+=($!)
redis-server --port "$rd_port" --bind 127.0.0.1 --dir "$work" \
  --appendonly yes --appendfsync everysec --save '' --daemonize no >/dev/null 2>&1 &
pids+=($!)
for port in "$rr_port" "$rd_port"; do
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

echo "redis-benchmark: $requests requests, $clients clients, tests $tests; $(nproc) cores"
echo "redrock: $("$server" --version 2>/dev/null | head -1)"
echo "redis:   $(redis-server --version)"
printf '%-10s %4s %14s %14s %8s\n' test P redrock_ops/s redis_ops/s ratio
for P in $pipelines; do
  for t in ${tests//,/ }; do
    run() {
      redis-benchmark -p "$1" -n "$requests" -c "$clients" -P "$P" -t "$t" "${extra[@]}" --csv -q 2>/dev/null |
        awk -F'","' 'NR>1 {gsub(/"/,"",$2); print $2; exit}'
    }
    a=$(run "$rr_port")
    b=$(run "$rd_port")
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    printf '%-10s %4s %14s %14s %8s\n' "$t" "$P" "$a" "$b" "$ratio"
  done
done
