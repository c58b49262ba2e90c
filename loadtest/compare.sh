#!/usr/bin/env bash
# Side by side: one simulation against (a) three Mosquitto brokers directly, (b) a three-node
# mqttlb tier in front of them (hash mode) and (c) HAProxy in front of them, configured like the
# reference balancer (a stick table on the MQTT client id). The three runs of a round are
# interleaved, and the order rotates from round to round, so that a slow minute of the machine
# does not land on one target only. Then CompareReport writes OUT/compare.html and compare.json.
#
#   mvn -B package -DskipTests                     # builds target/mqttlb.jar
#   loadtest/compare.sh SIMULATION [ROUNDS] [OUT]
#   loadtest/compare.sh reconnect-storm 3          # loadtest/reconnect-storm.yaml, 3 rounds
#
# SIMULATION is a YAML file or a bare name X for loadtest/X.yaml. ROUNDS defaults to 3, OUT to
# target/loadtest/compare-<simulation>-<yyyyMMdd-HHmmss>. Each run writes OUT/<target>-<round>/
# (summary.json, index.html) and OUT/<target>-<round>.log; OUT/cpu.tsv has the CPU time each
# balancer and the brokers spent in each run; OUT/setup/ keeps the generated configuration.
#
# Every target gets the same three brokers, restarted before each run so that no run meets the
# sessions or queued messages of another. Brokers b2 and b3 bridge `fleet/#` to b1, so that a
# publisher on one broker reaches subscribers on all three (persistent-session-retention needs it);
# nothing else crosses between brokers. HAProxy is restarted too (an empty stick table per run);
# the mqttlb nodes keep running across rounds. CPU is compared after JIT warm-up, so
# WARMUP runs of the simulation (default 4) go through the tier before the first round; they are
# not in the comparison, but their CPU is in cpu.tsv (target "warmup"), which shows what the JIT
# costs a freshly started tier (C2 compiling goes on for several storms). cpu.tsv also has an
# "idle" row: what the tier and HAProxy spend in IDLE_SECONDS (default 20) without any client.
#
# Loopback only, free ports. Each run is bounded by RUN_TIMEOUT seconds (default 300), and every
# wait for a process to come up is bounded. On exit, Ctrl-C included, it stops exactly the
# processes it started, by PID: SIGTERM, then SIGKILL after a grace of 10 s.
# Environment: JAVA_OPTS (nodes, default -Xmx256m), LOADTEST_JAVA_OPTS (the load generator),
# LOADTEST_ARGS (more loadtest options for every run, e.g. "--duration-scale 0.5"), RUN_TIMEOUT,
# WARMUP (runs through the tier before the rounds, default 4), IDLE_SECONDS (default 20),
# MODE=table (the tier's routing mode), KEEP=1 (keep the logs of brokers, nodes and HAProxy),
# SMOKE=1 (start everything, check that each target answers, stop: no simulation is run).
# Needs mosquitto, mosquitto_pub and mosquitto_sub (Debian: mosquitto mosquitto-clients),
# haproxy (Debian), java 17, curl and python3 (to find free ports).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "compare: $*" >&2; exit 2; }
say() { echo "compare: $*"; }

if [ $# -lt 1 ] || [ $# -gt 3 ]; then die "usage: loadtest/compare.sh SIMULATION [ROUNDS] [OUT]"; fi
SIM=$1
ROUNDS=${2:-3}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a whole number ≥ 1, not '$ROUNDS'"
if [ -f "$SIM" ]; then
  SIM_FILE=$SIM
elif [ -f "loadtest/$SIM.yaml" ]; then
  SIM_FILE=loadtest/$SIM.yaml
else
  die "no simulation '$SIM': neither a file nor loadtest/$SIM.yaml"
fi
SIM_NAME=$(basename "$SIM_FILE" .yaml)
OUT=${3:-target/loadtest/compare-$SIM_NAME-$(date +%Y%m%d-%H%M%S)}
JAR=target/mqttlb.jar
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
LOADTEST_JAVA_OPTS=${LOADTEST_JAVA_OPTS:-}
LOADTEST_ARGS=${LOADTEST_ARGS:-}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
GRACE_TENTHS=100
TARGET_NAMES=(direct mqttlb haproxy)

find_tool() { # NAME: on the PATH or in /usr/sbin (Debian puts the daemons there)
  command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true
}
MOSQUITTO=$(find_tool mosquitto)
HAPROXY=$(find_tool haproxy)
[ -n "$MOSQUITTO" ] || die "mosquitto is not installed (Debian: apt-get install -y mosquitto)"
for tool in mosquitto_pub mosquitto_sub; do
  command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install -y mosquitto-clients)"
done
[ -n "$HAPROXY" ] || die "haproxy is not installed (Debian: apt-get install -y haproxy)"
for tool in java curl python3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is not on the PATH"
done
[ -f "$JAR" ] || die "$JAR is missing: build it with 'mvn -B package -DskipTests'"
if [ "${SMOKE:-0}" != 1 ]; then
  # Fail now, not after the tier has started: the jar must have the loadtest command and the
  # comparison report.
  java -jar "$JAR" --help 2>/dev/null | grep -qE '^ +loadtest( |$)' \
    || die "$JAR has no 'loadtest' command (see java -jar $JAR --help): build it from a branch that has the load-test engine"
  python3 -c 'import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())' \
    "$JAR" io/mqttlb/loadtest/report/CompareReport.class \
    || die "$JAR has no io.mqttlb.loadtest.report.CompareReport: build it from a branch that has the load-test report"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mqttlb-compare.XXXXXX")
PIDS=()   # every process this script started and has not yet seen exit
NAMES=()

started() { PIDS+=("$2"); NAMES+=("$1"); }

stop_pids() { # PID...: SIGTERM, wait up to the grace, then SIGKILL; reaps them
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
      echo "compare: pid $pid ignored SIGTERM for $((GRACE_TENTHS / 10)) s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

forget() { # NAME: stop the processes started under NAME and drop them from the list
  local i keep_pids=() keep_names=() stop=()
  for i in "${!PIDS[@]}"; do
    if [ "${NAMES[$i]}" = "$1" ]; then
      stop+=("${PIDS[$i]}")
    else
      keep_pids+=("${PIDS[$i]}")
      keep_names+=("${NAMES[$i]}")
    fi
  done
  stop_pids "${stop[@]}"
  PIDS=("${keep_pids[@]}")
  NAMES=("${keep_names[@]}")
}

stop_all() {
  trap - EXIT INT TERM
  if [ ${#PIDS[@]} -gt 0 ]; then
    say "stopping ${#PIDS[@]} process(es) it started"
    stop_pids "${PIDS[@]}"
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    say "logs of brokers, nodes and HAProxy kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'echo "compare: a command failed at line $LINENO (KEEP=1 keeps the logs)" >&2' ERR

fail_start() { # NAME LOG: a process did not come up
  echo "compare: $1 did not come up; the end of its log ($2):" >&2
  tail -n 20 "$2" >&2 || true
  KEEP=1
  exit 1
}

# 15 distinct free loopback ports, bound at the same time so that none is handed out twice.
read -r -a PORTS <<<"$(python3 -c '
import socket
ss = [socket.socket() for _ in range(15)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()')"
BROKER_PORTS=("${PORTS[@]:0:3}")
LB_PORTS=("${PORTS[@]:3:3}")
ADMIN_PORTS=("${PORTS[@]:6:3}")
HZ_PORTS=("${PORTS[@]:9:3}")
HAP_PORTS=("${PORTS[@]:12:3}")
join() { local IFS=,; echo "$*"; }
loopback() { local p out=(); for p in "$@"; do out+=("127.0.0.1:$p"); done; join "${out[@]}"; }
declare -A TARGETS=(
  [direct]=$(loopback "${BROKER_PORTS[@]}")
  [mqttlb]=$(loopback "${LB_PORTS[@]}")
  [haproxy]=$(loopback "${HAP_PORTS[@]}")
)

# ---- brokers ----------------------------------------------------------------------------------

for i in 0 1 2; do
  id="b$((i + 1))"
  {
    echo "listener ${BROKER_PORTS[$i]} 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence false"
    echo "max_queued_messages 10000"
    echo "log_type error"
    echo "log_type warning"
    if [ "$i" -gt 0 ]; then
      # b2 and b3 bridge fleet/# both ways to b1: a message published on any broker reaches the
      # subscribers of all three. try_private tells b1 that this client is a bridge, so b1 does
      # not send a bridged message back where it came from.
      echo "connection compare-$id"
      echo "address 127.0.0.1:${BROKER_PORTS[0]}"
      echo "topic fleet/# both 1"
      echo "try_private true"
      echo "cleansession true"
      echo "restart_timeout 1"
    fi
  } >"$WORK/$id.conf"
done

start_brokers() {
  local i id
  for i in 0 1 2; do
    id="b$((i + 1))"
    "$MOSQUITTO" -c "$WORK/$id.conf" >>"$WORK/$id.log" 2>&1 &
    started brokers $!
    # b1 first and listening, so that the bridges of b2 and b3 connect at their first attempt.
    for _ in $(seq 1 50); do
      mosquitto_pub -h 127.0.0.1 -p "${BROKER_PORTS[$i]}" -i "compare-marker-$id" \
        -t mqttlb/broker -m "$id" -r -q 1 2>/dev/null && continue 2
      sleep 0.1
    done
    fail_start "broker $id" "$WORK/$id.log"
  done
  # The bridges are up when a message published on b2 reaches a subscriber on b3 (through b1).
  local sub rc
  for _ in $(seq 1 20); do
    mosquitto_sub -h 127.0.0.1 -p "${BROKER_PORTS[2]}" -i compare-bridge-sub -t fleet/compare-ready \
      -C 1 -W 2 >/dev/null 2>&1 &
    sub=$!
    sleep 0.3
    mosquitto_pub -h 127.0.0.1 -p "${BROKER_PORTS[1]}" -i compare-bridge-pub -t fleet/compare-ready \
      -m ready -q 1 2>/dev/null || true
    rc=0
    wait "$sub" || rc=$?
    [ "$rc" -eq 0 ] && return 0
  done
  fail_start "the bridge b2 → b1 → b3" "$WORK/b2.log"
}

# ---- mqttlb tier, from the templates in cluster-config ------------------------------------------

replace_line() { # FILE OLD NEW: replace the one line that is OLD (its comment aside), or fail
  OLD=$2 NEW=$3 awk '
    { line = $0; sub(/[ \t]*#.*$/, "", line) }
    line == ENVIRON["OLD"] && !/^[ \t]*#/ { print ENVIRON["NEW"]; n++; next }
    { print }
    END { exit n == 1 ? 0 : 3 }' "$1" >"$1.tmp" \
    || die "template $1: expected exactly one line '$2' (did the template change?)"
  mv "$1.tmp" "$1"
}

hz_members=("${HZ_PORTS[@]}")
for n in 1 2 3; do
  i=$((n - 1))
  hz="$WORK/hazelcast-$n.yaml"
  cp cluster-config/hazelcast.yaml "$hz"
  replace_line "$hz" "  cluster-name: mqttlb-local" "  cluster-name: mqttlb-compare-$$"
  replace_line "$hz" "      port: 5701" "      port: ${HZ_PORTS[$i]}"
  replace_line "$hz" "      auto-increment: true" "      auto-increment: false"
  for m in 0 1 2; do
    replace_line "$hz" "          - 127.0.0.1:$((5701 + m))" "          - 127.0.0.1:${hz_members[$m]}"
  done
  node="$WORK/node-$n.yaml"
  cp "cluster-config/node-$n.yaml" "$node"
  replace_line "$node" "    port: $((1883 + i))" "    port: ${LB_PORTS[$i]}"
  replace_line "$node" "  port: $((8080 + i))" "  port: ${ADMIN_PORTS[$i]}"
  for m in 0 1 2; do
    replace_line "$node" "    address: 127.0.0.1:$((1981 + m))" "    address: 127.0.0.1:${BROKER_PORTS[$m]}"
  done
  replace_line "$node" "  mode: table" "  mode: ${MODE:-hash}"
  replace_line "$node" "  hazelcastConfig: cluster-config/hazelcast.yaml" "  hazelcastConfig: $hz"
done

start_tier() {
  local n
  for n in 1 2 3; do
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    env -u MQTTLB_ADMIN_TOKEN java $JAVA_OPTS -jar "$JAR" node --config "$WORK/node-$n.yaml" \
      >"$WORK/node-$n.log" 2>&1 &
    started tier $!
  done
  wait_tier_ready 600
}

wait_tier_ready() { # TENTHS: every node answers and sees three members and three healthy brokers
  local n status members healthy
  for n in 1 2 3; do
    for _ in $(seq 1 "$1"); do
      status=$(curl -fsS "http://127.0.0.1:${ADMIN_PORTS[$((n - 1))]}/api/v1/status" 2>/dev/null || true)
      members=$(grep -o '"members":\[[^]]*\]' <<<"$status" | grep -o '"[^"]*"' | grep -vc members || true)
      healthy=$(grep -o '"healthy":true' <<<"$status" | wc -l || true)
      [ "$members" -ge 3 ] && [ "$healthy" -eq 3 ] && continue 2
      sleep 0.1
    done
    fail_start "mqttlb node lb-$n (3 members and 3 healthy brokers within $(($1 / 10)) s)" "$WORK/node-$n.log"
  done
}

# ---- HAProxy, the reference setup ---------------------------------------------------------------

# Each relayed connection holds two descriptors; stay inside this shell's open-files limit.
hap_maxconn=$((($(ulimit -n) - 200) / 2))
[ "$hap_maxconn" -gt 50000 ] && hap_maxconn=50000
{
  cat <<CFG
global
  nbthread 2
  maxconn $hap_maxconn
defaults
  mode tcp
  maxconn $hap_maxconn
  timeout connect 3s
  timeout client 2m
  timeout server 2m
CFG
  for i in 0 1 2; do
    cat <<CFG
frontend mqtt-$((i + 1))
  bind 127.0.0.1:${HAP_PORTS[$i]}
  tcp-request inspect-delay 5s
  tcp-request content accept if { req.payload(0,0),mqtt_is_valid }
  default_backend brokers
CFG
  done
  cat <<CFG
backend brokers
  stick-table type string len 32 size 100k expire 30m
  stick on req.payload(0,0),mqtt_field_value(connect,client_identifier)
  server b1 127.0.0.1:${BROKER_PORTS[0]}
  server b2 127.0.0.1:${BROKER_PORTS[1]}
  server b3 127.0.0.1:${BROKER_PORTS[2]}
CFG
} >"$WORK/haproxy.cfg"
"$HAPROXY" -c -q -f "$WORK/haproxy.cfg" || die "haproxy rejects $WORK/haproxy.cfg"

start_haproxy() {
  "$HAPROXY" -f "$WORK/haproxy.cfg" >>"$WORK/haproxy.log" 2>&1 &
  started haproxy $!
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/${HAP_PORTS[2]}") 2>/dev/null && return 0
    sleep 0.1
  done
  fail_start haproxy "$WORK/haproxy.log"
}

# Every address of every target answers an MQTT client and hands it to a broker, which says its
# id through the retained marker. One client id goes through the three addresses of a target: a
# balancer sends it to one broker each time, the brokers directly cannot.
probe_targets() {
  local t addr broker line seen
  for t in "${TARGET_NAMES[@]}"; do
    line=""
    seen=()
    IFS=, read -r -a addrs <<<"${TARGETS[$t]}"
    for addr in "${addrs[@]}"; do
      broker=$(mosquitto_sub -h 127.0.0.1 -p "${addr##*:}" -i "compare-probe-$t" \
        -t mqttlb/broker -C 1 -W 5 2>&1) \
        || { KEEP=1; die "$t at $addr: no broker marker within 5 s ($broker); logs kept in $WORK"; }
      line+=" $addr→$broker"
      seen+=("$broker")
    done
    if [ "$(printf '%s\n' "${seen[@]}" | sort -u | wc -l)" -eq 1 ]; then
      line+="  (one broker for one client id)"
    fi
    say "$(printf '%-8s' "$t")$line"
  done
}

cpu_ticks() { # PID...: user + system clock ticks of these processes so far
  local pid total=0 stat
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }                       # the fields after "(comm) "
    read -r -a f <<<"$stat"
    total=$((total + f[11] + f[12]))        # utime, stime: fields 14 and 15 of proc(5)
  done
  echo "$total"
}
pids_of() { local i out=(); for i in "${!PIDS[@]}"; do [ "${NAMES[$i]}" = "$1" ] && out+=("${PIDS[$i]}"); done; echo "${out[*]}"; }

say "brokers b1..b3 on $(join "${BROKER_PORTS[@]}"), mqttlb on $(join "${LB_PORTS[@]}") (mode ${MODE:-hash}), HAProxy on $(join "${HAP_PORTS[@]}")"
start_brokers
start_tier
start_haproxy
probe_targets
mkdir -p "$OUT/setup"
cp "$WORK"/*.conf "$WORK"/haproxy.cfg "$WORK"/node-*.yaml "$WORK"/hazelcast-*.yaml "$OUT/setup/"
{
  echo "simulation: $SIM_FILE"
  echo "rounds: $ROUNDS"
  echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus: $(nproc)"
  echo "java: $(java -version 2>&1 | head -n 1)"
  echo "haproxy: $("$HAPROXY" -v | head -n 1)"
  echo "mosquitto: $("$MOSQUITTO" -h 2>&1 | head -n 1)"
  for t in "${TARGET_NAMES[@]}"; do echo "targets.$t: ${TARGETS[$t]}"; done
} >"$OUT/setup/setup.txt"

if [ "${SMOKE:-0}" = 1 ]; then
  say "SMOKE=1: every target answers; restarting the brokers and HAProxy once, as between runs"
  forget brokers; start_brokers
  forget haproxy; start_haproxy
  probe_targets
  say "SMOKE=1: done, no simulation run"
  exit 0
fi

CLK_TCK=$(getconf CLK_TCK)
printf 'target\tround\texit\tseconds\tbalancer_cpu_ms\tbrokers_cpu_ms\n' >"$OUT/cpu.tsv"
failed_runs=0

# One run of the simulation against TARGET's addresses, output to LOG, with any more loadtest
# options after LOG. Sets rc (the exit status) and secs. The load generator runs in the background
# so that the EXIT trap can stop it too.
run_simulation() { # TARGET LOG [OPTION...]
  local target=$1 log=$2 t0
  shift 2
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086 # LOADTEST_JAVA_OPTS and LOADTEST_ARGS are lists of options
  timeout -k 10 "$RUN_TIMEOUT" java $LOADTEST_JAVA_OPTS -jar "$JAR" loadtest "$SIM_FILE" \
    --targets "${TARGETS[$target]}" --quiet "$@" $LOADTEST_ARGS >"$log" 2>&1 &
  local run_pid=$!
  started loadtest "$run_pid"
  rc=0
  wait "$run_pid" || rc=$?
  forget loadtest
  secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$(date +%s.%N)")
}

# What the balancers spend with no client at all (heartbeats, health checks; HAProxy's checks).
IDLE_SECONDS=${IDLE_SECONDS:-20}
# shellcheck disable=SC2046 # pid lists
{ t0=$(cpu_ticks $(pids_of tier)); h0=$(cpu_ticks $(pids_of haproxy)); }
sleep "$IDLE_SECONDS"
# shellcheck disable=SC2046 # pid lists
{ t1=$(cpu_ticks $(pids_of tier)); h1=$(cpu_ticks $(pids_of haproxy)); }
printf 'idle-mqttlb\t0\t0\t%s\t%s\t\nidle-haproxy\t0\t0\t%s\t%s\t\n' "$IDLE_SECONDS" "$(((t1 - t0) * 1000 / CLK_TCK))" \
  "$IDLE_SECONDS" "$(((h1 - h0) * 1000 / CLK_TCK))" >>"$OUT/cpu.tsv"
say "idle ${IDLE_SECONDS} s: mqttlb tier $(((t1 - t0) * 1000 / CLK_TCK)) ms CPU, HAProxy $(((h1 - h0) * 1000 / CLK_TCK)) ms"

# JIT warm-up: the same simulation through the tier, measured but not compared.
WARMUP=${WARMUP:-4}
mkdir -p "$OUT/warmup"
for w in $(seq 1 "$WARMUP"); do
  forget brokers; start_brokers
  wait_tier_ready 300
  # shellcheck disable=SC2046 # pid lists
  b0=$(cpu_ticks $(pids_of tier))
  run_simulation mqttlb "$OUT/warmup/$w.log"
  # shellcheck disable=SC2046 # pid lists
  b1=$(cpu_ticks $(pids_of tier))
  printf 'warmup\t%s\t%s\t%s\t%s\t\n' "$w" "$rc" "$secs" "$(((b1 - b0) * 1000 / CLK_TCK))" >>"$OUT/cpu.tsv"
  say "warm-up $w/$WARMUP through mqttlb $(printf '%6s s' "$secs")  exit $rc  tier CPU $(((b1 - b0) * 1000 / CLK_TCK)) ms"
done
for round in $(seq 1 "$ROUNDS"); do
  for k in 0 1 2; do
    t=${TARGET_NAMES[$(((round - 1 + k) % 3))]}
    # Fresh brokers (no sessions, no queued messages of an earlier run) and an empty stick table.
    forget brokers; start_brokers
    forget haproxy; start_haproxy
    wait_tier_ready 300
    case $t in
      mqttlb) balancer=$(pids_of tier) ;;
      haproxy) balancer=$(pids_of haproxy) ;;
      *) balancer="" ;;
    esac
    brokers=$(pids_of brokers)
    # shellcheck disable=SC2086 # pid lists
    { b0=$(cpu_ticks $balancer); k0=$(cpu_ticks $brokers); }
    report="$OUT/$t-$round"
    run_simulation "$t" "$report.log" --report "$report"
    # shellcheck disable=SC2086 # pid lists
    { b1=$(cpu_ticks $balancer); k1=$(cpu_ticks $brokers); }
    bal_ms=$([ -n "$balancer" ] && echo $(((b1 - b0) * 1000 / CLK_TCK)) || echo "")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$round" "$rc" "$secs" "$bal_ms" \
      "$(((k1 - k0) * 1000 / CLK_TCK))" >>"$OUT/cpu.tsv"
    case $rc in
      0) verdict="assertions hold" ;;
      1) verdict="an assertion failed"; failed_runs=$((failed_runs + 1)) ;;
      2) echo "compare: the simulation or the command line was refused; $report.log says:" >&2
         tail -n 5 "$report.log" >&2
         exit 2 ;;
      124|137) verdict="stopped after RUN_TIMEOUT=$RUN_TIMEOUT s"; failed_runs=$((failed_runs + 1)) ;;
      *) verdict="exit $rc (see $report.log)"; failed_runs=$((failed_runs + 1)) ;;
    esac
    say "round $round/$ROUNDS $(printf '%-8s' "$t") $(printf '%6s s' "$secs")  $verdict  $report/index.html"
    # The engine prints each failed assertion (which, expected, actual): show them under the run.
    if [ "$rc" = 1 ]; then tail -n 5 "$report.log" | sed "s/^/           /"; fi
  done
done

java -cp "$JAR" io.mqttlb.loadtest.report.CompareReport "$OUT" >"$OUT/compare-report.log" 2>&1 \
  || { tail -n 20 "$OUT/compare-report.log" >&2; die "CompareReport failed (its output: $OUT/compare-report.log)"; }
say "$failed_runs of $((ROUNDS * 3)) runs had a failed assertion or did not finish (expected for some targets: see loadtest/README.md)"
say "CPU per run: $OUT/cpu.tsv"
say "comparison: $(cd "$OUT" && pwd)/compare.html"
