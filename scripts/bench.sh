#!/usr/bin/env bash
# Runs quant-core's JMH benchmarks (quant-core/src/jmh/java). Every argument goes to JMH, for example
#   scripts/bench.sh GemmBenchmark -f 1 -wi 3 -i 5
#   scripts/bench.sh GemmBenchmark -p shape=1x1280x1000 -w 2s -r 2s
#   scripts/bench.sh Int8GemmBenchmark -f 1 -wi 3 -i 5
# Forked benchmark JVMs get --add-modules=jdk.incubator.vector (the Vector API kernels need it). Results are also
# written as CSV (quant-core/target/jmh-result.csv unless -rff is given), and GEMM scores are printed again as
# GFLOP/s (GOP/s for int8), since JMH only knows calls per second, with int8/fp32 ratios for Int8GemmBenchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# shellcheck source=lib/bench-java.sh
source scripts/lib/bench-java.sh

# Add our defaults only where the caller gave none (JMH rejects an option given twice).
args=("$@")
result="$root/quant-core/target/jmh-result.csv"
has() { local a; for a in "${args[@]}"; do [[ "$a" == "$1" ]] && return 0; done; return 1; }
extra=()
has -jvmArgsAppend || extra+=(-jvmArgsAppend "--add-modules=jdk.incubator.vector -Dql.assets.dir=$root/../shared/assets")
if has -rff; then
  for ((i = 0; i < ${#args[@]} - 1; i++)); do [[ "${args[i]}" == -rff ]] && result="${args[i + 1]}"; done
else
  extra+=(-rff "$result")
fi
has -rf || extra+=(-rf csv)

# The runner JVM gets the module too, so -f 0 (no fork) also measures the Vector API kernels.
java --add-modules=jdk.incubator.vector -cp "$BENCH_CLASSPATH" org.openjdk.jmh.Main "${extra[@]}" "${args[@]}"

# GFLOP/s (GOP/s for int8) for GemmBenchmark and Int8GemmBenchmark rows: score (calls/s) x 2*M*K*N / 1e9, shape
# given as MxKxN, optionally after a "kind:" prefix. For Int8GemmBenchmark also each int8 impl's ratio to fp32-panama.
if [[ -f "$result" ]] && head -1 "$result" | grep -q '"Param: shape"'; then
  echo
  echo "GEMM benchmarks as GFLOP/s or GOP/s (score x 2MKN / 1e9):"
  # JMH's CSV quotes strings and has no commas inside fields, so splitting on commas is safe.
  awk -F, '
    { gsub(/["\r]/, "") }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
              printf "%-22s%-26s%-13s%10s%8s\n", "benchmark", "shape (MxKxN)", "impl", "G(FL)OP/s", "+-"; next }
    $col["Benchmark"] ~ /GemmBenchmark/ && $col["Unit"] == "ops/s" {
      nparts = split($col["Benchmark"], parts, "."); bench = parts[nparts - 1]
      s = $col["Param: shape"]; dims = s; sub(/^[a-z]+:/, "", dims)
      split(dims, d, "x"); f = 2 * d[1] * d[2] * d[3] / 1e9
      err = $col["Score Error (99.9%)"]; impl = $col["Param: impl"]
      printf "%-22s%-26s%-13s%10.1f%8s\n", bench, s, impl, $col["Score"] * f,
             (err == "NaN" ? "-" : sprintf("%.1f", err * f))
      if (bench == "Int8GemmBenchmark") { score[s, impl] = $col["Score"]; shapes[s] = 1 } }
    END {
      for (s in shapes) any = 1
      if (!any) exit
      printf "\nInt8GemmBenchmark speed relative to fp32-panama (same shape, same run):\n"
      printf "%-26s%12s%14s\n", "shape", "int8-java", "int8-panama"
      for (s in shapes) if ((s, "fp32-panama") in score)
        printf "%-26s%12s%14s\n", s,
               ((s, "int8-java") in score ? sprintf("%.2f", score[s, "int8-java"] / score[s, "fp32-panama"]) : "-"),
               ((s, "int8-panama") in score ? sprintf("%.2f", score[s, "int8-panama"] / score[s, "fp32-panama"]) : "-")
    }' "$result"
fi

# Images per second for EngineBenchmark rows: score (batches/s) x batch.
if [[ -f "$result" ]] && head -1 "$result" | grep -q '"Param: engine"'; then
  echo
  echo "EngineBenchmark as images/s (score x batch), 1 thread:"
  awk -F, '
    { gsub(/["\r]/, "") }
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
              printf "%-12s%-11s%6s%12s%10s\n", "model", "engine", "batch", "images/s", "+-"; next }
    $col["Benchmark"] ~ /EngineBenchmark/ {
      b = $col["Param: batch"]; err = $col["Score Error (99.9%)"]
      printf "%-12s%-11s%6s%12.1f%10s\n", $col["Param: model"], $col["Param: engine"], b, $col["Score"] * b,
             (err == "NaN" ? "-" : sprintf("%.1f", err * b)) }' "$result"
fi
