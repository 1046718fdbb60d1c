# shellcheck shell=bash
# Shared by cluster-start.sh, cluster-stop.sh and spark-submit.sh (sourced, not run).
#
# A Spark standalone cluster needs no Spark distribution: a SPARK_HOME whose jars/ folder links the jars Maven
# resolved for spark-job's provided scope is enough, for the daemons and for the executors they launch.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SPARK_JOB_TARGET="$REPO_ROOT/spark-job/target"
# Written by the build (spark-job/pom.xml): Spark's runtime classpath and the JVM flags Spark needs on JDK 17+.
CLASSPATH_FILE="$SPARK_JOB_TARGET/spark-runtime.classpath"
FLAGS_FILE="$SPARK_JOB_TARGET/jvm.flags"
SCALA_FILE="$SPARK_JOB_TARGET/scala.binary.version"
# shellcheck disable=SC2034  # used by spark-submit.sh
SHADED_JAR="$SPARK_JOB_TARGET/quantlake-spark-job.jar"
# Cluster state: PIDs, URLs, logs, SPARK_HOME, worker dirs.
STATE_DIR="$SPARK_JOB_TARGET/cluster"
SPARK_HOME_DIR="$STATE_DIR/spark-home"
# Set on every daemon and inherited by the executors they launch: finds all of them in /proc, even when PID
# files are gone (mvn clean) or a Worker died and left its executor behind.
MARKER="QUANTLAKE_CLUSTER=$STATE_DIR"

# shellcheck disable=SC2034  # used by the scripts that source this file
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

die() {
  echo "error: $*" >&2
  exit 1
}

# Runs a quiet Maven build of spark-job (and quant-core) up to the given phase; shows its output only on failure.
run_maven() {
  local log
  log="$(mktemp)"
  if ! (cd "$REPO_ROOT" && mvn -B -q -pl spark-job -am -DskipTests "$@") > "$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "Maven failed: mvn -pl spark-job -am -DskipTests $*"
  fi
  rm -f "$log"
}

# Runs Maven to (re)write the classpath and flags files when missing or older than a pom.
ensure_build_files() {
  local stale=0 pom
  for f in "$CLASSPATH_FILE" "$FLAGS_FILE" "$SCALA_FILE"; do
    [[ -s "$f" ]] || stale=1
  done
  if [[ $stale == 0 ]]; then
    for pom in "$REPO_ROOT/pom.xml" "$REPO_ROOT/spark-job/pom.xml"; do
      [[ "$pom" -nt "$CLASSPATH_FILE" ]] && stale=1
    done
  fi
  if [[ $stale == 1 ]]; then
    echo "resolving Spark's classpath with Maven..." >&2
    # test-compile, not generate-test-resources: spark-job's tests use quant-core's test classes, which Maven's
    # reactor resolves only once quant-core has reached test-compile.
    run_maven test-compile
    # Maven leaves an unchanged file untouched; mark it fresh so the next run does not resolve again.
    touch "$CLASSPATH_FILE"
  fi
}

# Makes $SPARK_HOME_DIR/jars hold links to exactly the jars of the classpath file.
ensure_spark_home() {
  ensure_build_files
  local jars="$SPARK_HOME_DIR/jars" stamp="$SPARK_HOME_DIR/.complete" jar
  if [[ -f "$stamp" && "$stamp" -nt "$CLASSPATH_FILE" ]]; then
    return
  fi
  rm -rf "$jars" "$stamp"
  mkdir -p "$jars"
  local -a cp
  # build-classpath writes one line without a newline: split it on ':' instead of `read` (which fails at EOF).
  mapfile -t cp < <(tr ':' '\n' < "$CLASSPATH_FILE")
  ((${#cp[@]} > 0)) || die "empty classpath file: $CLASSPATH_FILE"
  for jar in "${cp[@]}"; do
    [[ -f "$jar" ]] || die "classpath jar missing: $jar (re-run the Maven build)"
    ln -s "$jar" "$jars/$(basename "$jar")"
  done
  touch "$stamp"
}

jvm_flags() {
  cat "$FLAGS_FILE"
}

# Spark's launcher, which a Worker uses to build executor command lines, wants the Scala version from the
# environment when SPARK_HOME is not a Spark build or distribution ("Cannot find any build directories").
export_spark_env() {
  local scala
  scala="$(cat "$SCALA_FILE")"
  export SPARK_HOME="$SPARK_HOME_DIR" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION="$scala"
}

# PIDs of live processes carrying this cluster's marker (daemons and executors). Linux /proc.
marker_pids() {
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid="${environ#/proc/}"
    pid="${pid%/environ}"
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    if grep -qzxF "$MARKER" "$environ" 2>/dev/null; then
      echo "$pid"
    fi
  done
}

# True when the Master recorded in the state dir is alive and is ours.
master_alive() {
  local pid
  [[ -f "$STATE_DIR/master.pid" ]] || return 1
  pid="$(cat "$STATE_DIR/master.pid")"
  grep -qzxF "$MARKER" "/proc/$pid/environ" 2>/dev/null
}
