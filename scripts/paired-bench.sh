#!/usr/bin/env bash
# Engine ratios measured side by side (quant-core/src/jmh/java/.../PairedEngineBench.java): our fp32 and int8 engines
# and ONNX Runtime fp32 and int8 loaded in one JVM and timed in interleaved rounds, one thread, reported as median
# images/s and median per-round ratios with quartiles. Arguments: models, batches, rounds, seconds per engine and
# round, warm-up seconds per engine, e.g.
#   scripts/paired-bench.sh                              # all three models, batch 1 and 32, 15 rounds of 1 s
#   scripts/paired-bench.sh resnet18 32 20 1.5
#   QL_JAVA_OPTS=-Dquantlake.native.level=avx2 scripts/paired-bench.sh mobilenetv2 1
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench-java.sh
source scripts/lib/bench-java.sh
run_bench_main 8g PairedEngineBench "$@"
