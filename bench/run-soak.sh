#!/usr/bin/env bash
# The proof suite's soak (issue 8; not part of the tests): the hardened system under lab/scenarios/soak.yaml, 30 minutes
# of compounding growth that doubles load and data, then the drift findings: does heap after GC, the connection count,
# the dead tuples of the growing tables or p99 trend upwards beyond its 95% interval? Starts the system itself
# (./headroom up on free ports) and stops it. Usage: bench/run-soak.sh [scenario (lab/scenarios/soak.yaml)]
#
# The database: a fresh embedded PostgreSQL (PostgreSQL's own defaults, autovacuum on) under the run's directory, unless
# HEADROOM_DB_URL names one. Not this machine's local server: its CI configuration turns autovacuum off, and a soak
# without autovacuum measures that setting, not the system (dead tuples can only grow). The script refuses to run on a
# server whose autovacuum is off.
#
# Heap after GC: Micrometer's figure is the old generation right after the latest collection, young ones included, so
# between G1's old-generation cycles it also counts every object promoted since, dead or alive, and its level follows
# the collector's heuristics. For a soak the question is what stays live, so the script asks the app's JVM for a full
# collection every HEADROOM_SOAK_GC_EVERY seconds (60; 0 = never) with `jcmd <pid> GC.run`: at each of those
# points the figure is the live heap. HEADROOM_SOAK_HISTOGRAM_EVERY=N (seconds; 0 = never, the default) also writes a class
# histogram of the live heap (`jcmd <pid> GC.class_histogram`, itself after a full collection) to
# $OUT/histogram-<seconds>.txt every N seconds, to see what a rising heap is made of.
set -euo pipefail
cd "$(dirname "$0")/.."
source <(sed -n '/^java_version()/,/^}/p;/^find_jdk()/,/^}/p' headroom)
find_jdk
SCENARIO=${1:-lab/scenarios/soak.yaml}
./mvnw -q -B -DskipTests package
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export HEADROOM_PORT=$(free_port) HEADROOM_PROVIDERS_PORT=$(free_port)
OUT=lab-results/soak-$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
if [ -z "${HEADROOM_DB_URL:-}" ]; then export HEADROOM_LOCAL_PG=off HEADROOM_HOME=$PWD/$OUT/headroom-home; fi
HEADROOM_SKIP_BUILD=1 ./headroom up >"$OUT/system.log" 2>&1 &
UP=$!
trap 'kill -TERM $UP 2>/dev/null || true; wait $UP 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$HEADROOM_PORT/actuator/health" >/dev/null && break; sleep 0.2; done
autovacuum_on() { # read the whole scrape first: grep -q stopping early would fail curl (SIGPIPE) under pipefail
  local scrape
  scrape=$(curl -sf "http://127.0.0.1:$HEADROOM_PORT/actuator/prometheus") || return 1
  grep -Eq '^headroom_db_autovacuum_enabled 1(\.0)?$' <<<"$scrape"
}
if ! autovacuum_on; then
  sleep 11 # the gauge is sampled every 10 s
  autovacuum_on || { echo "bench: autovacuum is off on the database (or unknown): a soak would measure that; see $OUT/system.log" >&2; exit 1; }
fi
GC_EVERY=${HEADROOM_SOAK_GC_EVERY:-60}
HISTOGRAM_EVERY=${HEADROOM_SOAK_HISTOGRAM_EVERY:-0}
LOOPS=() # background jcmd loops, stopped with the system
trap 'kill "${LOOPS[@]}" 2>/dev/null || true; kill -TERM $UP 2>/dev/null || true; wait $UP 2>/dev/null || true' EXIT
if [ "$GC_EVERY" -gt 0 ] || [ "$HISTOGRAM_EVERY" -gt 0 ]; then
  APP_PID=$(pgrep -f -- "-jar .*headroom-app.jar --server.port=$HEADROOM_PORT" | head -1)
  [ -n "$APP_PID" ] || { echo "bench: could not find the app's process (port $HEADROOM_PORT)" >&2; exit 1; }
fi
if [ "$GC_EVERY" -gt 0 ]; then
  (while sleep "$GC_EVERY"; do "$JAVA_HOME/bin/jcmd" "$APP_PID" GC.run >/dev/null || exit 0; done) &
  LOOPS+=($!)
  echo "bench: a full collection of the app's heap (pid $APP_PID) every ${GC_EVERY} s, so heap after GC is what is live"
fi
if [ "$HISTOGRAM_EVERY" -gt 0 ]; then
  (elapsed=0; while sleep "$HISTOGRAM_EVERY"; do
     elapsed=$((elapsed + HISTOGRAM_EVERY))
     "$JAVA_HOME/bin/jcmd" "$APP_PID" GC.class_histogram >"$OUT/histogram-$elapsed.txt" || exit 0
   done) &
  LOOPS+=($!)
  echo "bench: a class histogram of the app's live heap every ${HISTOGRAM_EVERY} s in $OUT/histogram-<seconds>.txt"
fi
echo "bench: machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, JDK $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "bench: soak ($SCENARIO) against the hardened system on port $HEADROOM_PORT; results in $OUT"
"$JAVA_HOME/bin/java" -cp "lab/target/classes:$(cat lab/target/runtime.classpath)" io.headroom.lab.Lab run "$SCENARIO" \
  --target "http://127.0.0.1:$HEADROOM_PORT" --providers "http://127.0.0.1:$HEADROOM_PROVIDERS_PORT" --label soak --out "$OUT" \
  >"$OUT/lab.log" 2>&1 || true
python3 - "$OUT/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for p in r["phases"]:
    print(f"bench: phase {p['name']}: offered {p['offeredPerSecond']:.1f}/s, goodput {p['goodputPerSecond']:.1f}/s, p99 {p['p99']} ms")
for d in r["drift"]:
    print(f"bench: drift: {d['finding']}")
for v in r["verdicts"]:
    print(f"bench: {'pass' if v['passed'] else 'FAIL'} {v['slo']}: {v['detail']}")
PY
