#!/usr/bin/env bash
# Per-op time profile of one engine on one benchmark model (quant-core/src/jmh/java/.../OpProfile.java), e.g.
#   scripts/profile.sh resnet18 int8 32          # the JVM-wide kernel choice (native where it loads)
#   scripts/profile.sh mobilenetv2 fp32 1 5 10   # 5 s warm-up, 10 s measured
#   QL_JAVA_OPTS=-Dquantlake.kernels=panama scripts/profile.sh resnet18 int8 1
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mvn -B -q -pl quant-core test-compile
cp_file="$root/quant-core/target/jmh-classpath.txt"
mvn -B -q -pl quant-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
classpath="$root/quant-core/target/test-classes:$root/quant-core/target/classes:$(cat "$cp_file")"
# shellcheck disable=SC2086
java --add-modules=jdk.incubator.vector -Xmx6g -XX:+UseParallelGC -Dql.assets.dir="$root/../shared/assets" \
  ${QL_JAVA_OPTS:-} -cp "$classpath" org.quantlake.core.bench.OpProfile "$@"
