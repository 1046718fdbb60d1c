#!/usr/bin/env bash
# The built-in demo, one command on a fresh machine (JDK 17+ and Maven): builds the jar when it is missing or older
# than the sources, then, in Spark local mode (2 cores), makes a synthetic labelled image dataset (10 shape classes,
# 7 days as Parquet partitions, the last 4 days increasingly shifted: lower contrast, more noise) and a small CNN
# fitted to it (Conv+BN+ReLU, a residual block, a ridge-regression head) exported to ONNX, then runs the `pipeline`
# job on them: calibrate, convert to int8, score every day against float32. Prints the per-day accuracy table and
# the path of the HTML report. Everything is seeded: re-runs give the same data, model and figures.
#
# Usage: scripts/demo.sh [OUTPUT_DIR [DEMO OPTIONS...]]
#   OUTPUT_DIR defaults to target/demo in the repository; options as in `demo --help`, e.g. --rows-per-day 500.
set -euo pipefail
# shellcheck source=lib/cluster-env.sh
. "$(dirname "$0")/lib/cluster-env.sh"

out="${1:-$REPO_ROOT/target/demo}"
(($# > 0)) && shift

stale=0
if [[ ! -f "$SHADED_JAR" ]]; then
  stale=1
elif [[ -n "$(find "$REPO_ROOT/pom.xml" "$REPO_ROOT/quant-core/pom.xml" "$REPO_ROOT/quant-core/src/main" \
    "$REPO_ROOT/spark-job/pom.xml" "$REPO_ROOT/spark-job/src/main" -newer "$SHADED_JAR" -type f -print -quit)" ]]; then
  stale=1
fi
if [[ $stale == 1 ]]; then
  echo "building $SHADED_JAR with Maven (the first build downloads about 340 MB of dependencies)..." >&2
  run_maven package
fi

# local[2]: the demo is sized for two cores. Spark's INFO lines and console progress bar would bury the job's own
# progress lines.
exec "$REPO_ROOT/scripts/spark-submit.sh" --master 'local[2]' --conf spark.log.level=WARN \
  --conf spark.ui.enabled=false --conf spark.ui.showConsoleProgress=false -- demo --output "$out" "$@"
