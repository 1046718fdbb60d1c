#!/usr/bin/env bash
# Calibration and scoring throughput of the shipped jar on the shared real assets, in local mode with 1 and 2 cores
# and on the 2-worker standalone cluster of scripts/cluster-start.sh, all in one run so the ratios compare like with
# like on a noisy machine. Prints the jobs' own stage lines ("<stage>: ...; N rows in S s: R rows/s"): S is the wall
# time of the stage's Spark work (reading and decoding the input, forward passes, merging or collecting results),
# excluding session start-up and output writes.
#
# Usage: scripts/throughput.sh [WORK_DIR]        (default spark-job/target/throughput)
#   QL_IMAGES=N    score only the first N ImageNet images (default: all 1,000)
# Also scores in local[1] with -Dquantlake.kernels=panama and =auto, side by side: the int8 kernels' share of the job.
# Needs ../shared/assets (MNIST IDX files and model, ImageNet sample images and SqueezeNet).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="${1:-$root/spark-job/target/throughput}"
assets="$root/../shared/assets"
[[ -d "$assets" ]] || { echo "error: $assets not found" >&2; exit 1; }
mkdir -p "$work"

# The jars: the shaded jar for the jobs, the tests jar for the Parquet writer.
if [[ ! -f spark-job/target/quantlake-spark-job.jar || ! -f spark-job/target/spark-job-0.1.0-SNAPSHOT-tests.jar ]]; then
  mvn -B -q -pl spark-job -am -DskipTests package
fi
tests_jar="$root/spark-job/target/spark-job-0.1.0-SNAPSHOT-tests.jar"
mnist="$work/mnist-parquet"
if [[ ! -d "$mnist" ]]; then
  # The writer is in the tests jar, given with --jars; spark-submit.sh's application jar is the shaded jar.
  scripts/spark-submit.sh --master 'local[2]' --conf spark.ui.enabled=false \
    --class org.quantlake.spark.testing.MnistParquetApp --jars "$tests_jar" \
    -- "$assets/mnist/t10k-images-idx3-ubyte.gz" "$assets/mnist/t10k-labels-idx1-ubyte.gz" "$mnist" \
    > "$work/mnist-parquet.log" 2>&1 || { cat "$work/mnist-parquet.log" >&2; exit 1; }
fi

images="$assets/imagenet/sample-images-1000"
if [[ -n "${QL_IMAGES:-}" ]]; then
  mkdir -p "$work/images-subset"
  rm -f "$work/images-subset"/*.JPEG
  # (no `find | head` under pipefail: head's early exit would fail the pipeline)
  mapfile -t all < <(find "$images" -name '*.JPEG' | sort)
  for f in "${all[@]:0:$QL_IMAGES}"; do ln -s "$f" "$work/images-subset/"; done
  images="$work/images-subset"
fi

# One measurement: MASTER NAME COMMAND ARGS...; keeps the stage lines.
run() {
  local master="$1" name="$2"
  shift 2
  local log="$work/$name.log"
  local opts=(--conf spark.ui.enabled=false --conf spark.ui.showConsoleProgress=false)
  [[ "$master" != cluster ]] && opts+=(--master "$master")
  QL_DRIVER_HEAP=2g scripts/spark-submit.sh "${opts[@]}" -- "$@" > "$log" 2>&1 \
    || { echo "error: $name failed, see $log" >&2; tail -20 "$log" >&2; exit 1; }
  grep -E '^\[quantlake\] (calibrate|score)[^:]*:.*rows/s' "$log" | sed "s/^\[quantlake\]/[$name]/"
}

measure() {
  local master="$1" tag="$2"
  local mnist_args=(--config conf/mnist-parquet.conf --model "$assets/mnist/mnist-12.onnx" --input "$mnist")
  run "$master" "mnist-calibrate-$tag" calibrate "${mnist_args[@]}" --output "$work/out-mnist-$tag" \
    --set calibration.fraction=1.0
  run "$master" "mnist-score-$tag" score "${mnist_args[@]}" --output "$work/out-mnist-$tag" --set scoring.drift.enabled=false
  run "$master" "mnist-score-drift-$tag" score "${mnist_args[@]}" --output "$work/out-mnist-$tag"
  local image_args=(--config conf/imagenet-images.conf --model "$assets/imagenet/models/squeezenet1.1-fp32.onnx"
    --input "$images" --output "$work/out-imagenet-$tag")
  run "$master" "imagenet-calibrate-$tag" calibrate "${image_args[@]}" --set calibration.method=minmax \
    --set calibration.fraction=1.0
  run "$master" "imagenet-score-$tag" score "${image_args[@]}" --set scoring.drift.enabled=false
}

measure 'local[1]' local1
# The int8 kernels' part: the same int8 scoring in local[1] with the Vector API kernels (what ran before the native
# library) instead of the JVM's default choice (native where it loads).
for kernels in panama auto; do
  export QL_JAVA_OPTS="-Dquantlake.kernels=$kernels"
  run 'local[1]' "mnist-score-int8-$kernels" score --config conf/mnist-parquet.conf --model "$assets/mnist/mnist-12.onnx" \
    --input "$mnist" --output "$work/out-mnist-local1" --set scoring.drift.enabled=false
  run 'local[1]' "imagenet-score-int8-$kernels" score --config conf/imagenet-images.conf \
    --model "$assets/imagenet/models/squeezenet1.1-fp32.onnx" --input "$images" --output "$work/out-imagenet-local1" \
    --set scoring.drift.enabled=false
done
unset QL_JAVA_OPTS
measure 'local[2]' local2
started_cluster=0
if ! scripts/cluster-start.sh > "$work/cluster-start.log" 2>&1; then
  cat "$work/cluster-start.log" >&2
  exit 1
fi
grep -q "already running" "$work/cluster-start.log" || started_cluster=1
trap '[[ $started_cluster == 1 ]] && scripts/cluster-stop.sh > /dev/null' EXIT
measure cluster cluster
