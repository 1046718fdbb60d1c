#!/usr/bin/env bash
# Times native fp32 conv layers in C (scripts/bench/float_conv_bench.c, best of 5), with and without the AVX-512
# level's channel-blocked depthwise kernel and pixel-major pointwise path, after checking both give the same bits.
# With no arguments: MobileNetV2's depthwise and small-plane pointwise layers at batch 1.
#   scripts/float-conv-bench.sh                    # the MobileNetV2 set
#   scripts/float-conv-bench.sh 960 960 7 3 1 32 960   # in-channels out-channels size kernel stride images [groups]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/c-harness.sh
source scripts/lib/c-harness.sh
build_c_harness scripts/bench/float_conv_bench.c
out="$HARNESS"
if [[ $# -gt 0 ]]; then
  "$out" "$@"
  exit 0
fi
for layer in "32 32 112 3 1 1 32" "96 96 112 3 2 1 96" "144 144 56 3 1 1 144" "144 144 56 3 2 1 144" \
             "192 192 28 3 1 1 192" "192 192 28 3 2 1 192" "384 384 14 3 1 1 384" "576 576 14 3 1 1 576" \
             "576 576 14 3 2 1 576" "960 960 7 3 1 1 960" \
             "64 384 14 1 1 1" "384 64 14 1 1 1" "384 96 14 1 1 1" "96 576 14 1 1 1" "576 96 14 1 1 1" \
             "576 160 7 1 1 1" "160 960 7 1 1 1" "960 160 7 1 1 1" "960 320 7 1 1 1" "320 1280 7 1 1 1"; do
  # shellcheck disable=SC2086
  "$out" $layer
done
