#!/usr/bin/env bash
# Single-core int8 (AVX512-VNNI) and fp32 (AVX-512 FMA) instruction peaks of this machine, best of three runs: the
# ceilings the GEMM efficiency figures in README are quoted against. Needs gcc and an AVX512-VNNI CPU.
set -euo pipefail
cd "$(dirname "$0")"
if ! grep -q avx512_vnni /proc/cpuinfo; then
  echo "this CPU has no AVX512-VNNI: no peak to measure" >&2
  exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
gcc -O2 -mavx512f -mavx512vnni bench/cpu_peak.c -o "$out"
"$out"
