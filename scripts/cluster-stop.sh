#!/usr/bin/env bash
# Stops the cluster scripts/cluster-start.sh started: Master, Workers and any executor they launched.
# Idempotent: with nothing running it says so and succeeds. Finds processes by the marker in their
# environment, so it also works after `mvn clean` removed the PID files.
set -euo pipefail
# shellcheck source=lib/cluster-env.sh
. "$(dirname "$0")/lib/cluster-env.sh"

mapfile -t pids < <(marker_pids)
if ((${#pids[@]} == 0)); then
  echo "no cluster running"
else
  # SIGTERM first: a Worker's shutdown hook then stops its executors; the Master unregisters cleanly.
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 30); do
    mapfile -t pids < <(marker_pids)
    ((${#pids[@]} == 0)) && break
    sleep 0.5
  done
  if ((${#pids[@]} > 0)); then
    echo "still alive after 15 s, killing: ${pids[*]}" >&2
    kill -KILL "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 10); do
      mapfile -t pids < <(marker_pids)
      ((${#pids[@]} == 0)) && break
      sleep 0.5
    done
  fi
  ((${#pids[@]} == 0)) || die "could not stop: ${pids[*]}"
  echo "cluster stopped"
fi
rm -f "$STATE_DIR"/*.pid "$STATE_DIR"/*.url
