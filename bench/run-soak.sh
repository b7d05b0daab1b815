#!/usr/bin/env bash
# The proof suite's soak (issue 8; not part of the tests): the hardened system under lab/scenarios/soak.yaml, 30 minutes
# of compounding growth that doubles load and data, then the drift findings: does heap after GC, the connection count,
# the dead tuples of the growing tables or p99 trend upwards beyond its 95% interval? Starts the system itself
# (./headroom up on free ports) and stops it. Usage: bench/run-soak.sh [scenario (lab/scenarios/soak.yaml)]
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
HEADROOM_SKIP_BUILD=1 ./headroom up >"$OUT/system.log" 2>&1 &
UP=$!
trap 'kill -TERM $UP 2>/dev/null || true; wait $UP 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$HEADROOM_PORT/actuator/health" >/dev/null && break; sleep 0.2; done
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
