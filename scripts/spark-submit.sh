#!/usr/bin/env bash
# Submits the shaded jar (spark-job/target/quantlake-spark-job.jar) with Spark's SparkSubmit, run from the
# Maven-resolved Spark jars (client mode: the driver is this process).
#
# Usage: scripts/spark-submit.sh [SPARK-SUBMIT OPTIONS...] [-- APPLICATION ARGS...]
#   e.g. scripts/spark-submit.sh -- --version
#        scripts/spark-submit.sh --master 'local[2]' --conf spark.ui.enabled=false -- --help
# Without --master it uses the cluster of scripts/cluster-start.sh (and cluster-stop.sh then ends the driver
# too). Without --class it runs the jar's Main-Class. Job options go after "--": spark-submit drops --conf
# keys not starting with "spark.".
# QL_DRIVER_HEAP sets the driver's heap (default 1g; --driver-memory cannot, the driver JVM is already up).
# QL_JAVA_OPTS adds JVM options to the driver (in local mode also the executor), e.g. -Dquantlake.kernels=panama.
set -euo pipefail
# shellcheck source=lib/cluster-env.sh
. "$(dirname "$0")/lib/cluster-env.sh"

submit_opts=()
app_args=()
have_master=0
while (($#)); do
  case "$1" in
    --) shift; app_args=("$@"); break ;;
    --master|--master=*) have_master=1; submit_opts+=("$1") ;;
    *) submit_opts+=("$1") ;;
  esac
  shift
done
if [[ $have_master == 0 ]]; then
  master_alive || die "no cluster running: start one with scripts/cluster-start.sh, or pass --master"
  submit_opts=(--master "$(cat "$STATE_DIR/master.url")" "${submit_opts[@]}")
  # A driver whose Master is gone waits for it forever: let cluster-stop.sh end this one with the cluster.
  export QUANTLAKE_CLUSTER="$STATE_DIR"  # = $MARKER
fi

if [[ ! -f "$SHADED_JAR" ]]; then
  echo "building $SHADED_JAR..." >&2
  run_maven package
fi
ensure_spark_home
read -r -a FLAGS <<< "$(jvm_flags)"

export_spark_env
# Executors get Spark's --add-opens from the Worker; the Vector API module (quant-core's kernels) they do
# not. Given first, so a user's --conf of the same key wins.
# shellcheck disable=SC2086
exec "$JAVA" -Xmx"${QL_DRIVER_HEAP:-1g}" "${FLAGS[@]}" ${QL_JAVA_OPTS:-} -cp "$SPARK_HOME_DIR/jars/*" \
  org.apache.spark.deploy.SparkSubmit \
  --conf spark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector \
  "${submit_opts[@]}" "$SHADED_JAR" "${app_args[@]}"
