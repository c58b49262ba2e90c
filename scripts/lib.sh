# shellcheck shell=bash
# The shell library of mqttlb's scripts (sourced, not run): messages, tools, free ports, waiting
# for a port, the processes a script starts and stops again (exactly those, by PID), Mosquitto
# brokers with the fleet/# bridge, and a tier written by `mqttlb tier write`.
#
#   set -euo pipefail
#   cd "$(dirname "$0")/.."              # scripts run from the repository root
#   SCRIPT=compare                       # what its messages start with
#   . scripts/lib.sh
#   lib_work mqttlb-compare              # WORK, a temporary directory; on exit, Ctrl-C included,
#                                        # stop_all stops what was started and removes WORK
#
# Environment: JAR (default target/mqttlb.jar), KEEP=1 (keep WORK, its logs and files).

JAR=${JAR:-target/mqttlb.jar}
GRACE_TENTHS=${GRACE_TENTHS:-100} # how long a process has between SIGTERM and SIGKILL, in 0.1 s
PIDS=()   # every process the script started and has not yet stopped,
NAMES=()  # its name, "GROUP MEMBER" ("broker b1") or one word,
LOGS=()   # and where its output goes

say() { echo "${SCRIPT:-mqttlb}: $*"; }
warn() { echo "${SCRIPT:-mqttlb}: $*" >&2; }
die() { warn "$*"; exit 2; }

# ---- tools and ports ---------------------------------------------------------------------------

tool_path() { # NAME: prints where the tool is, on the PATH or in /usr/sbin (where Debian puts daemons)
  command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; }
}

need_tools() { # NAME...: each on the PATH, or die naming the first one missing
  local tool
  for tool in "$@"; do command -v "$tool" >/dev/null || die "$tool is not on the PATH"; done
}

need_jar() {
  [ -f "$JAR" ] || die "$JAR is missing: build it with 'mvn -B package -DskipTests'"
}

free_ports() { # N: N distinct free loopback ports, bound at the same time so that none comes twice
  python3 - "$1" <<'PY'
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()
PY
}

port_open() { # PORT: something listens on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_port() { # PORT TENTHS: until something listens on 127.0.0.1:PORT; fails after TENTHS × 0.1 s
  for _ in $(seq 1 "$2"); do
    port_open "$1" && return 0
    sleep 0.1
  done
  return 1
}

# ---- processes ---------------------------------------------------------------------------------

lib_work() { # PREFIX: WORK=a new temporary directory; stop_all on exit, INT and TERM
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  trap stop_all EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

launch() { # NAME LOG COMMAND...: COMMAND in the background, output appended to LOG; sets STARTED_PID
  local name=$1 log=$2
  shift 2
  "$@" >>"$log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  NAMES+=("$name")
  LOGS+=("$log")
}

is_named() { # INDEX NAME: the process at INDEX is NAME, or a member of the group NAME
  [ "${NAMES[$1]}" = "$2" ] || [ "${NAMES[$1]%% *}" = "$2" ]
}

pids_of() { # NAME: the PIDs of NAME (a process or a group)
  local i out=()
  for i in "${!PIDS[@]}"; do
    if is_named "$i" "$1"; then out+=("${PIDS[$i]}"); fi
  done
  echo "${out[*]}"
}

stop_pids() { # PID...: SIGTERM, up to GRACE_TENTHS to exit, then SIGKILL; reaps them
  local pid alive
  [ $# -gt 0 ] || return 0
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 "$GRACE_TENTHS"); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "$@"; do
    if kill -0 "$pid" 2>/dev/null; then
      warn "pid $pid ignored SIGTERM for $((GRACE_TENTHS / 10)) s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

stop_named() { # NAME: stops NAME (a process or a group) and forgets it
  local i keep_pids=() keep_names=() keep_logs=() stop=()
  for i in "${!PIDS[@]}"; do
    if is_named "$i" "$1"; then
      stop+=("${PIDS[$i]}")
    else
      keep_pids+=("${PIDS[$i]}")
      keep_names+=("${NAMES[$i]}")
      keep_logs+=("${LOGS[$i]}")
    fi
  done
  stop_pids "${stop[@]}"
  PIDS=("${keep_pids[@]}")
  NAMES=("${keep_names[@]}")
  LOGS=("${keep_logs[@]}")
}

stop_all() { # the EXIT trap: stops every process still listed; removes WORK unless KEEP=1
  trap - EXIT INT TERM
  if [ ${#PIDS[@]} -gt 0 ]; then
    say "stopping ${#PIDS[@]} process(es) it started"
    stop_pids "${PIDS[@]}"
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    say "logs and files kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}

fail_start() { # WHAT LOG: something did not come up; shows the end of its log, keeps WORK, exits 1
  warn "$1 did not come up; the end of its log ($2):"
  tail -n 20 "$2" >&2 || true
  KEEP=1
  exit 1
}

first_exited() { # prints the index of the first listed process that has exited; fails if none has
  local i
  for i in "${!PIDS[@]}"; do
    kill -0 "${PIDS[$i]}" 2>/dev/null || { echo "$i"; return 0; }
  done
  return 1
}

wait_url() { # URL TENTHS: until URL answers 2xx; fail_start for any listed process that exits meanwhile
  local i
  for _ in $(seq 1 "$2"); do
    if i=$(first_exited); then fail_start "${NAMES[$i]} (pid ${PIDS[$i]}, exited)" "${LOGS[$i]}"; fi
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

cpu_ticks() { # PID...: user + system clock ticks these processes have used so far
  local pid total=0 stat f
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }                       # the fields after "(comm) "
    read -r -a f <<<"$stat"
    total=$((total + f[11] + f[12]))        # utime, stime: fields 14 and 15 of proc(5)
  done
  echo "$total"
}

# ---- Mosquitto ---------------------------------------------------------------------------------

broker_conf() { # PORT [LINE...]: a Mosquitto configuration, one anonymous listener on 127.0.0.1:PORT, then the LINEs
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$1"
  shift
  [ $# -eq 0 ] || printf '%s\n' "$@"
}

bridge_conf() { # NAME PORT: a bridge that carries fleet/# both ways to the broker on 127.0.0.1:PORT
  # Only fleet/# crosses: one publisher then reaches subscribers on every broker
  # (loadtest/persistent-session-retention.yaml). try_private tells the other broker that this
  # client is a bridge, so that it does not send a bridged message back where it came from.
  printf 'connection %s\naddress 127.0.0.1:%s\ntopic fleet/# both 1\ntry_private true\ncleansession true\nrestart_timeout 1\n' \
    "$1" "$2"
}

start_broker() { # GROUP ID PORT: Mosquitto "GROUP ID" from WORK/ID.conf, logging to WORK/ID.log, holding its marker
  launch "$1 $2" "$WORK/$2.log" "$MOSQUITTO" -c "$WORK/$2.conf"
  if ! command -v mosquitto_pub >/dev/null; then
    wait_port "$3" 50 || fail_start "broker $2" "$WORK/$2.log"
    return 0
  fi
  # The retained message mqttlb/broker names the broker, so a client can see where it landed:
  #   mosquitto_sub -p 1883 -i sensor-1 -t mqttlb/broker -C 1
  # Publishing it is also the proof that the broker is up.
  for _ in $(seq 1 50); do
    mosquitto_pub -h 127.0.0.1 -p "$3" -i "marker-$2" -t mqttlb/broker -m "$2" -r -q 1 2>/dev/null && return 0
    sleep 0.1
  done
  fail_start "broker $2" "$WORK/$2.log"
}

wait_bridged() { # PUB_PORT SUB_PORT: until a fleet/ message published on one broker reaches a subscriber on the other
  local sub rc
  for _ in $(seq 1 20); do
    mosquitto_sub -h 127.0.0.1 -p "$2" -i bridge-check-sub -t fleet/bridge-check -C 1 -W 2 >/dev/null 2>&1 &
    sub=$!
    sleep 0.3
    mosquitto_pub -h 127.0.0.1 -p "$1" -i bridge-check-pub -t fleet/bridge-check -m ready -q 1 2>/dev/null || true
    rc=0
    wait "$sub" || rc=$?
    [ "$rc" -eq 0 ] && return 0
  done
  return 1
}

# ---- a tier of mqttlb nodes --------------------------------------------------------------------

write_tier() { # OPTION...: `mqttlb tier write --out WORK OPTION...`; fills the NODE_* arrays from its summary
  local summary id mqtt admin hazelcast file
  summary=$(java -jar "$JAR" tier write --out "$WORK" "$@") || die "mqttlb tier write refused its options (above)"
  NODE_IDS=() NODE_MQTT_PORTS=() NODE_ADMIN_PORTS=() NODE_HAZELCAST_PORTS=() NODE_FILES=()
  while read -r id mqtt admin hazelcast file; do
    NODE_IDS+=("$id")
    NODE_MQTT_PORTS+=("$mqtt")
    NODE_ADMIN_PORTS+=("$admin")
    NODE_HAZELCAST_PORTS+=("$hazelcast")
    NODE_FILES+=("$file")
  done <<<"$summary"
}

start_tier() { # GROUP [JVM_OPTION...]: every node of write_tier as "GROUP ID", node N logging to WORK/node-N.log
  local group=$1 i
  shift
  for i in "${!NODE_FILES[@]}"; do
    launch "$group ${NODE_IDS[$i]}" "$WORK/node-$((i + 1)).log" java "$@" -jar "$JAR" node --config "${NODE_FILES[$i]}"
  done
}
