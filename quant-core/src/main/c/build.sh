#!/usr/bin/env bash
# Builds the native int8 kernels (libquantlake_int8.so) from the C sources next to this script into a resource folder
# of quant-core's classes, so the jar carries the library. Called by Maven (quant-core/pom.xml, profile
# native-linux-x86_64) as:  build.sh <java.home> <output folder> <skip: true|false>
# Without gcc or the JDK's JNI headers it prints one line and builds nothing: the build passes and quant-core runs
# its Java kernels. With them, a compile error fails the build (a broken kernel must not go unnoticed).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
java_home=$1
out=$2
skip=${3:-false}
so="$out/libquantlake_int8.so"

if [[ "$skip" == "true" ]]; then
  rm -f "$so"
  echo "[native] skipped (ql.native.skip=true): quant-core is built without its native int8 kernels"
  exit 0
fi
if ! command -v gcc >/dev/null 2>&1; then
  rm -f "$so"
  echo "[native] gcc not found: quant-core is built without its native int8 kernels (the Java kernels will run)"
  exit 0
fi
inc="$java_home/include"
if [[ ! -f "$inc/jni.h" ]]; then
  rm -f "$so"
  echo "[native] no jni.h under $inc (a JRE, not a JDK?): quant-core is built without its native int8 kernels"
  exit 0
fi
# Up to date: nothing in the sources is newer than the library.
if [[ -f "$so" && -z "$(find "$src" \( -name '*.c' -o -name '*.h' -o -name build.sh \) -newer "$so")" ]]; then
  exit 0
fi
mkdir -p "$out"
# -ffp-contract=off: the requantization rule is a float multiply then a clamp, never a fused multiply-add.
# No -march: each level's functions carry their own target attribute, and the rest must run on any x86-64.
gcc -std=gnu11 -O3 -fPIC -shared -fvisibility=hidden -ffp-contract=off -Wall -Wextra \
  -I"$inc" -I"$inc/linux" "$src"/*.c -o "$so.tmp"
mv "$so.tmp" "$so"
echo "[native] built $so with $(gcc -dumpfullversion)"
