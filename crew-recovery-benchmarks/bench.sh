#!/usr/bin/env bash
# Runs the crew-recovery benchmarks and harnesses; docs/performance.md explains each number.
#
#   ./mvnw -B -pl crew-recovery-benchmarks -am package -DskipTests   # builds target/benchmarks.jar
#   crew-recovery-benchmarks/bench.sh short    # under 5 minutes on 2 cores
#   crew-recovery-benchmarks/bench.sh full     # the whole grid, 100 000 finished runs; about an hour
#
# Output goes to the terminal and to crew-recovery-benchmarks/target/bench-results/<mode>/.
# Stores are made under the temp directory; BENCH_DIR=/some/dir puts them on another disk.
set -euo pipefail

mode="${1:-short}"
if [[ "$mode" != short && "$mode" != full ]]; then
  echo "usage: $0 [short|full]" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  echo "error: $jar is missing; build it with ./mvnw -B -pl crew-recovery-benchmarks -am package -DskipTests" >&2
  exit 1
fi
out="$here/target/bench-results/$mode"
mkdir -p "$out"
if [[ -n "${JAVA_HOME:-}" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
props=()
if [[ -n "${BENCH_DIR:-}" ]]; then props+=("-Dbench.dir=$BENCH_DIR"); fi

run() {
  local name="$1"
  shift
  echo "== $name: $*"
  local start=$SECONDS
  "$@" 2>&1 | grep -v '^INFO: session\|Session start$' | tee "$out/$name.txt"
  echo "== $name: $((SECONDS - start)) s"
}
jmh() {
  local name="$1"
  shift
  local fork=()
  if [[ ${#props[@]} -gt 0 ]]; then fork=(-jvmArgsAppend "${props[*]}"); fi
  run "$name" "$java" "${props[@]}" -jar "$jar" "$@" "${fork[@]}" -rf json -rff "$out/$name.json"
}
main() {
  local name="$1"
  shift
  run "$name" "$java" "${props[@]}" -cp "$jar" "$@"
}

{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  dir="${BENCH_DIR:-${TMPDIR:-/tmp}}"
  echo "store disk: $(df -P "$dir" | awk 'NR==2 {print $1}') mounted on $(df -P "$dir" | awk 'NR==2 {print $6}')"
  echo "mount: $(awk -v m="$(df -P "$dir" | awk 'NR==2 {print $6}')" '$2 == m {print $1, $2, $3, $4}' /proc/mounts)"
  "$java" -version 2>&1 | sed 's/^/java: /'
} | tee "$out/machine.txt"

if [[ "$mode" == short ]]; then
  q=(-f 1 -wi 1 -w 1 -i 3 -r 1)
  jmh heartbeat-1-thread HeartbeatBench "${q[@]}" -t 1
  jmh heartbeat-2-threads HeartbeatBench "${q[@]}" -t 2
  main update-vs-bare dev.crewrecovery.benchmarks.UpdateVersusBare --rounds 100 --warmup 10
  # A pass needs about 10 s of warm-up before the JIT has settled; fewer gives 2-5x more.
  jmh reconcile-100 ReconcileBench -f 1 -wi 2 -w 2 -i 2 -r 2 -p active=100 -p finished=0
  jmh reconcile-1000 ReconcileBench -f 1 -wi 3 -w 3 -i 3 -r 3 -p active=1000 -p finished=0,10000
  jmh decide DecideBench "${q[@]}" -p tasks=4
  main detection-event dev.crewrecovery.benchmarks.DetectionLatency --mode event --kills 100 --warmup 5
  main detection-polling dev.crewrecovery.benchmarks.DetectionLatency --mode polling --kills 20 --warmup 1
  main heap -XX:+UseSerialGC dev.crewrecovery.benchmarks.HeapFootprint --runs 500 --deliveries 5000
else
  jmh heartbeat-1-thread HeartbeatBench -t 1
  jmh heartbeat-2-threads HeartbeatBench -t 2
  jmh update UpdateBench
  main update-vs-bare dev.crewrecovery.benchmarks.UpdateVersusBare --rounds 500 --warmup 50
  jmh reconcile ReconcileBench
  jmh reconcile-jvm-workers ReconcileBench -p active=1000 -p finished=0 -p worker=jvm
  jmh decide DecideBench
  main detection-event dev.crewrecovery.benchmarks.DetectionLatency --mode event --kills 200 --warmup 10
  main detection-polling dev.crewrecovery.benchmarks.DetectionLatency --mode polling --kills 100 --warmup 3
  main heap -XX:+UseSerialGC dev.crewrecovery.benchmarks.HeapFootprint --runs 2500 --deliveries 10000 --histo 12
fi
echo "== results in $out"
