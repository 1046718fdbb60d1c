#!/usr/bin/env bash
# Starts a Spark standalone cluster on 127.0.0.1 from Maven-resolved jars: one Master and two Workers
# (1 core, 1 GB each). Every port is chosen by the kernel (port 0) and read back from the Master's log, so
# nothing collides with fixed ports. State (PIDs, URLs, logs) goes to spark-job/target/cluster/.
#
# Usage: scripts/cluster-start.sh        (QL_CLUSTER_TIMEOUT=seconds to wait for the workers, default 120)
# Stop it with scripts/cluster-stop.sh; submit with scripts/spark-submit.sh.
set -euo pipefail
# shellcheck source=lib/cluster-env.sh
. "$(dirname "$0")/lib/cluster-env.sh"

TIMEOUT="${QL_CLUSTER_TIMEOUT:-120}"
WORKERS=2

if master_alive; then
  echo "cluster already running: $(cat "$STATE_DIR/master.url") (UI $(cat "$STATE_DIR/master-ui.url"))"
  exit 0
fi
if [[ -n "$(marker_pids)" ]]; then
  die "processes of a previous cluster are still alive; run scripts/cluster-stop.sh first"
fi

ensure_spark_home
rm -rf "$STATE_DIR/logs" "$STATE_DIR/run" "$STATE_DIR"/worker-* "$STATE_DIR"/*.pid "$STATE_DIR"/*.url
mkdir -p "$STATE_DIR/logs" "$STATE_DIR/run/tmp"
read -r -a FLAGS <<< "$(jvm_flags)"

# A failed start must not leave half a cluster behind.
started=0
trap '[[ $started == 1 ]] || "$(dirname "$0")/cluster-stop.sh" >&2 || true' EXIT

# Starts one daemon JVM in its own session (so Ctrl-C in this terminal does not reach it) and records its PID.
start_daemon() {
  local name="$1" main="$2"
  shift 2
  (
    # A developer's Spark settings must not leak in (SPARK_CONF_DIR, SPARK_DIST_CLASSPATH, ...).
    while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(SPARK_|PYSPARK_)' || true)
    export_spark_env
    export QUANTLAKE_CLUSTER="$STATE_DIR"  # = $MARKER
    export SPARK_LOCAL_DIRS="$STATE_DIR/run/$name-local"
    exec setsid "$JAVA" -Xmx256m "${FLAGS[@]}" -Djava.io.tmpdir="$STATE_DIR/run/tmp" \
      -Dspark.master.rest.enabled=false \
      -cp "$SPARK_HOME_DIR/jars/*" "$main" "$@"
  ) > "$STATE_DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE_DIR/$name.pid"
}

# Waits until the pattern appears in a log; prints the first captured match.
await_log() {
  local log="$1" pattern="$2" deadline=$((SECONDS + TIMEOUT)) found
  while ((SECONDS < deadline)); do
    found="$(grep -oP "$pattern" "$log" | head -1 || true)"
    if [[ -n "$found" ]]; then
      echo "$found"
      return 0
    fi
    # kill -0, not master_alive: right after the fork the subshell may not have exec'd java (and set the marker).
    kill -0 "$(cat "$STATE_DIR/master.pid")" 2>/dev/null \
      || { tail -20 "$log" >&2; die "the Master exited during start-up (log above)"; }
    sleep 0.5
  done
  tail -20 "$log" >&2
  die "timed out after ${TIMEOUT}s waiting for '$pattern' in $log"
}

start_daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0
master_url="$(await_log "$STATE_DIR/logs/master.log" 'Starting Spark master at \Kspark://127\.0\.0\.1:\d+')"
ui_port="$(await_log "$STATE_DIR/logs/master.log" "started service 'MasterUI' on port \K\d+")"
echo "$master_url" > "$STATE_DIR/master.url"
echo "http://127.0.0.1:$ui_port" > "$STATE_DIR/master-ui.url"

for i in $(seq 1 $WORKERS); do
  mkdir -p "$STATE_DIR/worker-$i/work"
  start_daemon "worker-$i" org.apache.spark.deploy.worker.Worker "$master_url" \
    --host 127.0.0.1 --port 0 --webui-port 0 --cores 1 --memory 1g --work-dir "$STATE_DIR/worker-$i/work"
done

# The Master's JSON status lists the workers that registered and are heart-beating.
deadline=$((SECONDS + TIMEOUT))
alive=0
while ((SECONDS < deadline)); do
  json="$(curl -fsS --max-time 5 "http://127.0.0.1:$ui_port/json/" 2>/dev/null || true)"
  alive="$(grep -oP '"aliveworkers"\s*:\s*\K\d+' <<< "$json" || echo 0)"
  ((alive >= WORKERS)) && break
  for i in $(seq 1 $WORKERS); do
    kill -0 "$(cat "$STATE_DIR/worker-$i.pid")" 2>/dev/null \
      || { tail -20 "$STATE_DIR/logs/worker-$i.log" >&2; die "worker-$i exited during start-up (log above)"; }
  done
  sleep 1
done
if ((alive < WORKERS)); then
  for i in $(seq 1 $WORKERS); do tail -5 "$STATE_DIR/logs/worker-$i.log" >&2; done
  die "timed out after ${TIMEOUT}s: the Master reports $alive of $WORKERS workers ALIVE"
fi

started=1
echo "cluster up in ${SECONDS}s: $master_url (UI http://127.0.0.1:$ui_port), $WORKERS workers ALIVE"
echo "state and logs: $STATE_DIR"
