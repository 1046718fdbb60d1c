# shellcheck shell=bash
# Shared by bench.sh, profile.sh and paired-bench.sh (sourced, not run): compiles quant-core's main and test classes
# (the benchmarks are test sources, quant-core/src/jmh/java), without running the tests, and sets BENCH_CLASSPATH
# to those classes and every test-scope dependency (JMH, ONNX Runtime).
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mvn -B -q -f "$REPO_ROOT/pom.xml" -pl quant-core test-compile
cp_file="$REPO_ROOT/quant-core/target/jmh-classpath.txt"
mvn -B -q -f "$REPO_ROOT/pom.xml" -pl quant-core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file"
BENCH_CLASSPATH="$REPO_ROOT/quant-core/target/test-classes:$REPO_ROOT/quant-core/target/classes:$(cat "$cp_file")"

# run_bench_main HEAP CLASS ARGS...: one of the benchmark mains (OpProfile, PairedEngineBench) on that classpath, with
# the Vector API module, the shared assets and QL_JAVA_OPTS (e.g. -Dquantlake.native.level=avx2).
run_bench_main() {
  local heap="$1" main="$2"
  shift 2
  # shellcheck disable=SC2086  # QL_JAVA_OPTS holds several options
  java --add-modules=jdk.incubator.vector "-Xmx$heap" -XX:+UseParallelGC -Dql.assets.dir="$REPO_ROOT/../shared/assets" \
    ${QL_JAVA_OPTS:-} -cp "$BENCH_CLASSPATH" "org.quantlake.core.bench.$main" "$@"
}
