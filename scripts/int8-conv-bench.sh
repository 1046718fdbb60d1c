#!/usr/bin/env bash
# Times native int8 conv layers in C (scripts/bench/int8_conv_bench.c, best of 5), the best dispatch level this CPU
# runs. With no arguments: ResNet-18's layer shapes at batch 1, each with the column path only (QL_COLUMNS_ONLY=1: no
# pixel-row or channel-last path) and with the path the library picks. Every run checks the two paths' bytes agree.
#   scripts/int8-conv-bench.sh                       # the ResNet-18 set
#   scripts/int8-conv-bench.sh 256 512 14 3 2 1      # in-channels out-channels size kernel stride images [groups]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/c-harness.sh
source scripts/lib/c-harness.sh
build_c_harness scripts/bench/int8_conv_bench.c
out="$HARNESS"
if [[ $# -gt 0 ]]; then
  "$out" "$@"
  exit 0
fi
for layer in "3 64 224 7 2 1" "64 64 56 3 1 1" "64 128 56 3 2 1" "128 128 28 3 1 1" "128 256 28 3 2 1" \
             "256 256 14 3 1 1" "256 512 14 3 2 1" "512 512 7 3 1 1"; do
  # shellcheck disable=SC2086
  QL_COLUMNS_ONLY=1 "$out" $layer
  # shellcheck disable=SC2086
  "$out" $layer
done
