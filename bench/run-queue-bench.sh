#!/usr/bin/env bash
# Job-queue benchmark: headroom-jobs vs db-scheduler (lock-and-fetch) vs pgbench, then both queues under a held
# snapshot. Not part of the tests. Usage: bench/run-queue-bench.sh [--held-seconds 300] [--baseline-seconds 120] ...
set -euo pipefail
cd "$(dirname "$0")/.."
source <(sed -n '/^java_version()/,/^}/p;/^find_jdk()/,/^}/p' headroom)
find_jdk
./mvnw -q -B -DskipTests -pl bench -am package
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "bench/target/classes:$(cat bench/target/runtime.classpath)" io.headroom.bench.jobs.QueueBench "$@"
