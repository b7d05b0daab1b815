#!/usr/bin/env bash
# The lab's generator against wrk on the same trivial endpoint (the provider simulators' GET /health), one after
# the other in one run on this machine: wrk's closed-loop maximum, then the highest open-model rate the lab's
# generator sustains (achieved >= 99% of requested, under 1% started late, no errors), then wrk again; the ratio
# is to the mean of the two wrk runs (this machine's speed drifts between runs). That is one round; the bench runs
# several and reports each round's ratio and their median (wrk alone measured 24.9k-45.3k requests/s within minutes
# here, so one round's ratio moves with the machine). Target: median >= 0.8x wrk.
# The generator may open as many connections as wrk keeps (32) unless told otherwise.
# Not part of the tests. Usage: bench/run-generator-bench.sh [seconds per step (5)] [rounds (3)] [generator connections (32)]
set -euo pipefail
cd "$(dirname "$0")/.."
source <(sed -n '/^java_version()/,/^}/p;/^find_jdk()/,/^}/p' headroom)
find_jdk
command -v wrk >/dev/null || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
SECONDS_PER_STEP=${1:-5}
ROUNDS=${2:-3}
CONNECTIONS=${3:-32}
[[ "$SECONDS_PER_STEP" =~ ^[1-9][0-9]*$ && "$ROUNDS" =~ ^[1-9][0-9]*$ && "$CONNECTIONS" =~ ^[1-9][0-9]*$ ]] || {
  echo "bench: seconds per step, rounds and connections must be positive whole numbers" >&2; exit 2; }
./mvnw -q -B -DskipTests package
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$JAVA_HOME/bin/java" -jar providers/target/headroom-providers-exec.jar --port "$PORT" >/tmp/headroom-generator-bench-providers.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT/health
echo "bench: generator connections: $CONNECTIONS"
echo "bench: machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "bench: warming the server up (wrk, 5 s)"; wrk -t2 -c32 -d5s "$URL" >/dev/null
RATIOS=$(mktemp)
# One round (the loop body is not indented: its heredocs end at the start of a line).
for ROUND in $(seq "$ROUNDS"); do
echo "bench: round $ROUND of $ROUNDS"
WRK=$(wrk -t2 -c32 -d10s "$URL" | awk '/Requests\/sec/ {print $2}')
echo "bench: wrk -t2 -c32 -d10s: $WRK requests/s"
OUT=$(mktemp -d)
python3 - "$WRK" "$SECONDS_PER_STEP" "$URL" "$CONNECTIONS" > "$OUT/scenario.yaml" <<'PY'
import sys
wrk, step, url, connections = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
rates = [round(wrk * f) for f in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.0, 1.1, 1.2)]
base = url.rsplit("/health", 1)[0]
print(f"""name: generator-bench
target: {{url: "{base}", metrics: none}}
limits: {{maxSeconds: {len(rates) * step + 5}, maxRequests: 100000000, maxInFlight: 20000, maxConnections: {connections}}}
operations: [{{name: health, weight: 1, path: /health, timeoutMs: 2000}}]
phases: [{{name: steps, type: steps, steps: {rates}, stepSeconds: {step}}}]
""")
PY
"$JAVA_HOME/bin/java" -cp "lab/target/classes:$(cat lab/target/runtime.classpath)" io.headroom.lab.Lab run "$OUT/scenario.yaml" \
  --label generator --out "$OUT" >/dev/null 2>"$OUT/lab.log" || true
WRK_AFTER=$(wrk -t2 -c32 -d10s "$URL" | awk '/Requests\/sec/ {print $2}')
echo "bench: wrk again after the generator: $WRK_AFTER requests/s"
python3 - "$OUT/results.json" "$WRK" "$SECONDS_PER_STEP" "$WRK_AFTER" "$RATIOS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); wrk = (float(sys.argv[2]) + float(sys.argv[4])) / 2; step = int(sys.argv[3])
rates = [p["offered"] for p in r["capacity"]["points"]]
best = 0
print("bench: requested/s  sent/s  answered 2xx/s  late%  errors  dropped  p99 ms")
for k, rate in enumerate(rates):
    ws = [w for w in r["windows"] if k * step + 1 <= w["t"] < (k + 1) * step - 1] or \
         [w for w in r["windows"] if k * step <= w["t"] < (k + 1) * step]
    n = len(ws)
    offered = sum(w["offered"] for w in ws); dropped = sum(w["dropped"] for w in ws)
    sent = (offered - dropped) / n; ok = sum(w["ok"] for w in ws) / n
    late = 100 * sum(w["late"] for w in ws) / max(1, offered)
    errors = sum(w["errors"] + w["timeouts"] for w in ws)
    p99 = max((w["p99"] or 0) for w in ws)
    kept = sent >= 0.99 * rate and ok >= 0.99 * rate and late <= 1 and errors == 0 and dropped == 0
    best = max(best, rate) if kept else best
    print(f"bench: {rate:>11.0f} {sent:>8.0f} {ok:>14.0f} {late:>6.2f} {errors:>7} {dropped:>8} {p99:>7.1f}  {'sustained' if kept else 'not sustained'}")
print(f"bench: wrk {wrk:.0f}/s (mean of before and after); the lab's generator sustains {best:.0f}/s open-model: ratio {best / wrk:.2f}")
open(sys.argv[5], "a").write(f"{best / wrk:.4f}\n")
PY
echo "bench: results in $OUT"
done
python3 - "$RATIOS" <<'PY'
import statistics, sys
ratios = [float(l) for l in open(sys.argv[1]) if l.strip()]
print(f"bench: ratios by round {', '.join(f'{r:.2f}' for r in ratios)}; median {statistics.median(ratios):.2f} (target >= 0.8)")
PY
