# shellcheck shell=bash
# Shared by int8-conv-bench.sh and float-conv-bench.sh (sourced, not run): build_c_harness SOURCE compiles one of the
# C harnesses in scripts/bench against the native library's sources (no JNI) into a temporary binary, removed on
# exit, and sets HARNESS to its path. The flags are the library's own (build.sh), so the harness times the same code.
build_c_harness() {
  local root src
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  src="$root/quant-core/src/main/c"
  HARNESS=$(mktemp)
  trap 'rm -f "$HARNESS"' EXIT
  # shellcheck disable=SC2046
  gcc -std=gnu11 -O3 -ffp-contract=off -I"$src" $(ls "$src"/*.c | grep -v ql_jni) "$root/$1" -lm -o "$HARNESS"
}
