#!/usr/bin/env bash
# Admission control benchmark: overhead (admission off vs on at a steady rate), the app's CPU per refused vs served request,
# and goodput of CRITICAL checkouts at 2x and 5x capacity, hardened vs naive, against the real app, providers and PostgreSQL. Not part of the tests.
# Usage: bench/run-admission-bench.sh [seconds per phase (20)] [steady GET rate (150)] [parts: overhead,cost,overload (all)]
set -euo pipefail
cd "$(dirname "$0")/.."
source <(sed -n '/^java_version()/,/^}/p;/^find_jdk()/,/^}/p' headroom)
find_jdk
./mvnw -q -B -DskipTests package
DB_URL=$(./headroom db url)
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "bench/target/classes:$(cat bench/target/runtime.classpath)" \
  io.headroom.bench.admission.AdmissionBench "$DB_URL" "$JAVA_HOME/bin/java" "$@"
