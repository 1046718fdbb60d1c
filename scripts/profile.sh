#!/usr/bin/env bash
# Per-op time profile of one engine on one benchmark model (quant-core/src/jmh/java/.../OpProfile.java), e.g.
#   scripts/profile.sh resnet18 int8 32          # the JVM-wide kernel choice (native where it loads)
#   scripts/profile.sh mobilenetv2 fp32 1 5 10   # 5 s warm-up, 10 s measured
#   QL_JAVA_OPTS=-Dquantlake.kernels=panama scripts/profile.sh resnet18 int8 1
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench-java.sh
source scripts/lib/bench-java.sh
run_bench_main 6g OpProfile "$@"
