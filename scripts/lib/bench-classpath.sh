# shellcheck shell=bash
# Shared by bench.sh, profile.sh and paired-bench.sh (sourced, not run): compiles quant-core's main and test classes
# (the benchmarks are test sources, quant-core/src/jmh/java), without running the tests, and sets BENCH_CLASSPATH
# to those classes and every test-scope dependency (JMH, ONNX Runtime).
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mvn -B -q -f "$REPO_ROOT/pom.xml" -pl quant-core test-compile
cp_file="$REPO_ROOT/quant-core/target/jmh-classpath.txt"
mvn -B -q -f "$REPO_ROOT/pom.xml" -pl quant-core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file"
# shellcheck disable=SC2034  # used by the sourcing scripts
BENCH_CLASSPATH="$REPO_ROOT/quant-core/target/test-classes:$REPO_ROOT/quant-core/target/classes:$(cat "$cp_file")"
