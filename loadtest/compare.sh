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
# SMOKE=1 (start everything, check that each target answers, stop: no simulation is run; CompareSmokeIT
# runs it so), JAR (default target/mqttlb.jar).
# Needs mosquitto, mosquitto_pub and mosquitto_sub (Debian: mosquitto mosquitto-clients),
# haproxy (Debian), java 17, curl and python3 (to find free ports).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT="compare"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

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
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
LOADTEST_JAVA_OPTS=${LOADTEST_JAVA_OPTS:-}
LOADTEST_ARGS=${LOADTEST_ARGS:-}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
TARGET_NAMES=(direct mqttlb haproxy)

MOSQUITTO=$(tool_path mosquitto) || die "mosquitto is not installed (Debian: apt-get install -y mosquitto)"
HAPROXY=$(tool_path haproxy) || die "haproxy is not installed (Debian: apt-get install -y haproxy)"
for tool in mosquitto_pub mosquitto_sub; do
  command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install -y mosquitto-clients)"
done
need_tools java curl python3 timeout
need_jar
if [ "${SMOKE:-0}" != 1 ]; then
  # Fail now, not after the tier has started: the jar must have the loadtest command and the
  # comparison report.
  java -jar "$JAR" --help 2>/dev/null | grep -qE '^ +loadtest( |$)' \
    || die "$JAR has no 'loadtest' command (see java -jar $JAR --help): build it from a branch that has the load-test engine"
  python3 -c 'import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())' \
    "$JAR" io/mqttlb/loadtest/report/CompareReport.class \
    || die "$JAR has no io.mqttlb.loadtest.report.CompareReport: build it from a branch that has the load-test report"
fi

lib_work mqttlb-compare
trap 'warn "a command failed at line $LINENO (KEEP=1 keeps the logs)"' ERR

read -r -a PORTS <<<"$(free_ports 15)"
BROKER_PORTS=("${PORTS[@]:0:3}")
HAP_PORTS=("${PORTS[@]:3:3}")
join() { local IFS=,; echo "$*"; }
loopback() { local p out=(); for p in "$@"; do out+=("127.0.0.1:$p"); done; join "${out[@]}"; }

# ---- brokers ----------------------------------------------------------------------------------

for i in 0 1 2; do
  id="b$((i + 1))"
  {
    broker_conf "${BROKER_PORTS[$i]}" "max_queued_messages 10000" "log_type error" "log_type warning"
    if [ "$i" -gt 0 ]; then bridge_conf "compare-$id" "${BROKER_PORTS[0]}"; fi
  } >"$WORK/$id.conf"
done

start_brokers() {
  local i
  # b1 first and holding its marker, so that the bridges of b2 and b3 connect at their first attempt.
  for i in 0 1 2; do start_broker broker "b$((i + 1))" "${BROKER_PORTS[$i]}"; done
  wait_bridged "${BROKER_PORTS[1]}" "${BROKER_PORTS[2]}" || fail_start "the bridge b2 → b1 → b3" "$WORK/b2.log"
}

# ---- mqttlb tier (mqttlb tier write) ------------------------------------------------------------

write_tier --brokers "b1=127.0.0.1:${BROKER_PORTS[0]},b2=127.0.0.1:${BROKER_PORTS[1]},b3=127.0.0.1:${BROKER_PORTS[2]}" \
  --mqtt-ports "$(join "${PORTS[@]:6:3}")" --admin-ports "$(join "${PORTS[@]:9:3}")" \
  --hazelcast-ports "$(join "${PORTS[@]:12:3}")" --mode "${MODE:-hash}" --cluster-name "mqttlb-compare-$$"

declare -A TARGETS=(
  [direct]=$(loopback "${BROKER_PORTS[@]}")
  [mqttlb]=$(loopback "${NODE_MQTT_PORTS[@]}")
  [haproxy]=$(loopback "${HAP_PORTS[@]}")
)

start_tier_nodes() {
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  start_tier tier $JAVA_OPTS
  wait_tier_ready 600
}

wait_tier_ready() { # TENTHS: every node answers and sees three members and three healthy brokers
  local i status members healthy
  for i in "${!NODE_IDS[@]}"; do
    for _ in $(seq 1 "$1"); do
      status=$(curl -fsS "http://127.0.0.1:${NODE_ADMIN_PORTS[$i]}/api/v1/status" 2>/dev/null || true)
      members=$(grep -o '"members":\[[^]]*\]' <<<"$status" | grep -o '"[^"]*"' | grep -vc members || true)
      healthy=$(grep -o '"healthy":true' <<<"$status" | wc -l || true)
      [ "$members" -ge 3 ] && [ "$healthy" -eq 3 ] && continue 2
      sleep 0.1
    done
    fail_start "mqttlb node ${NODE_IDS[$i]} (3 members and 3 healthy brokers within $(($1 / 10)) s)" "$WORK/node-$((i + 1)).log"
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
  launch haproxy "$WORK/haproxy.log" "$HAPROXY" -f "$WORK/haproxy.cfg"
  wait_port "${HAP_PORTS[2]}" 50 || fail_start haproxy "$WORK/haproxy.log"
}

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


say "brokers b1..b3 on $(join "${BROKER_PORTS[@]}"), mqttlb on $(join "${NODE_MQTT_PORTS[@]}") (mode ${MODE:-hash}), HAProxy on $(join "${HAP_PORTS[@]}")"
start_brokers
start_tier_nodes
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
  stop_named broker; start_brokers
  stop_named haproxy; start_haproxy
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
  launch loadtest "$log" timeout -k 10 "$RUN_TIMEOUT" java $LOADTEST_JAVA_OPTS -jar "$JAR" loadtest "$SIM_FILE" \
    --targets "${TARGETS[$target]}" --quiet "$@" $LOADTEST_ARGS
  rc=0
  wait "$STARTED_PID" || rc=$?
  stop_named loadtest
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
  stop_named broker; start_brokers
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
    stop_named broker; start_brokers
    stop_named haproxy; start_haproxy
    wait_tier_ready 300
    case $t in
      mqttlb) balancer=$(pids_of tier) ;;
      haproxy) balancer=$(pids_of haproxy) ;;
      *) balancer="" ;;
    esac
    brokers=$(pids_of broker)
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
