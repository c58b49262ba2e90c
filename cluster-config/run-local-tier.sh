#!/usr/bin/env bash
# A local three-node tier on loopback: three Mosquitto brokers (b1..b3 on 127.0.0.1:1981-1983,
# b2 and b3 bridging the topics fleet/# to b1)
# and the three nodes of cluster-config/node-{1,2,3}.yaml, clustered through
# cluster-config/hazelcast.yaml. Runs in the foreground; Ctrl-C (or SIGTERM) stops exactly the
# processes it started, by PID.
#
#   mvn -B package -DskipTests          # builds target/mqttlb.jar
#   cluster-config/run-local-tier.sh    # from anywhere; paths are taken from the repository root
#
# Set MQTTLB_ADMIN_TOKEN to require a bearer token on the admin API. Logs and the brokers'
# configuration files live in a temporary directory that is removed on exit (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/mqttlb.jar
JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
BROKER_PORTS=(1981 1982 1983)
MQTT_PORTS=(1883 1884 1885)
ADMIN_PORTS=(8080 8081 8082)

die() { echo "run-local-tier: $*" >&2; exit 2; }

MOSQUITTO=$(command -v mosquitto || true)
[ -z "$MOSQUITTO" ] && [ -x /usr/sbin/mosquitto ] && MOSQUITTO=/usr/sbin/mosquitto
[ -n "$MOSQUITTO" ] || die "mosquitto is not installed (Debian: apt-get install -y mosquitto)"
command -v java >/dev/null || die "java (17 or later) is not on the PATH"
[ -f "$JAR" ] || die "$JAR is missing: build it with 'mvn -B package -DskipTests'"
for port in "${BROKER_PORTS[@]}" "${MQTT_PORTS[@]}" "${ADMIN_PORTS[@]}" 5701 5702 5703; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is already in use"
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mqttlb-local-tier.XXXXXX")
PIDS=()
NAMES=()
LOGS=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "run-local-tier: stopping ${#PIDS[@]} process(es)"
  for i in "${!PIDS[@]}"; do
    kill -TERM "${PIDS[$i]}" 2>/dev/null || true
  done
  # Nodes leave the cluster gracefully on SIGTERM; give them a moment, then insist.
  for _ in $(seq 1 100); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for i in "${!PIDS[@]}"; do
    if kill -0 "${PIDS[$i]}" 2>/dev/null; then
      echo "run-local-tier: ${NAMES[$i]} (pid ${PIDS[$i]}) ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "${PIDS[$i]}" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then
    echo "run-local-tier: logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started() { # NAME PID LOG
  NAMES+=("$1")
  PIDS+=("$2")
  LOGS+=("$3")
}

for i in 0 1 2; do
  id="b$((i + 1))"
  port=${BROKER_PORTS[$i]}
  cat >"$WORK/$id.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_type error
log_type warning
log_type information
EOF
  if [ "$i" -gt 0 ]; then
    # b2 and b3 bridge fleet/# both ways to b1, so that one publisher reaches subscribers on all
    # three brokers (loadtest/persistent-session-retention.yaml); no other topic crosses.
    cat >>"$WORK/$id.conf" <<EOF
connection local-tier-$id
address 127.0.0.1:${BROKER_PORTS[0]}
topic fleet/# both 1
try_private true
cleansession true
restart_timeout 1
EOF
  fi
  "$MOSQUITTO" -c "$WORK/$id.conf" >"$WORK/$id.log" 2>&1 &
  started "broker $id" $! "$WORK/$id.log"
done

# Each broker holds a retained message naming itself, so a client can see where it landed:
#   mosquitto_sub -p 1883 -i sensor-1 -t mqttlb/broker -C 1
if command -v mosquitto_pub >/dev/null; then
  for i in 0 1 2; do
    for _ in $(seq 1 50); do
      mosquitto_pub -h 127.0.0.1 -p "${BROKER_PORTS[$i]}" -t mqttlb/broker -m "b$((i + 1))" -r -q 1 2>/dev/null && break
      sleep 0.1
    done
  done
else
  echo "run-local-tier: mosquitto_pub not found (Debian: mosquitto-clients); brokers get no mqttlb/broker marker"
fi

for n in 1 2 3; do
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java $JAVA_OPTS -jar "$JAR" node --config "cluster-config/node-$n.yaml" >"$WORK/node-$n.log" 2>&1 &
  started "node lb-$n" $! "$WORK/node-$n.log"
done

# Wait until every node's admin API answers (a node's first start takes a few seconds).
auth=()
[ -n "${MQTTLB_ADMIN_TOKEN:-}" ] && auth=(-H "Authorization: Bearer $MQTTLB_ADMIN_TOKEN")
for n in 0 1 2; do
  port=${ADMIN_PORTS[$n]}
  for _ in $(seq 1 600); do
    for i in "${!PIDS[@]}"; do
      if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
        echo "run-local-tier: ${NAMES[$i]} exited at start; the end of ${LOGS[$i]}:" >&2
        tail -n 20 "${LOGS[$i]}" >&2
        KEEP=1
        exit 1
      fi
    done
    curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break
    sleep 0.1
  done
done
members=$(curl -fsS "${auth[@]}" "http://127.0.0.1:${ADMIN_PORTS[0]}/api/v1/status" 2>/dev/null \
  | grep -o '"members":\[[^]]*\]' || echo "members: unknown")

cat <<EOF

mqttlb local tier is up ($members)
  MQTT:    127.0.0.1:${MQTT_PORTS[0]}  127.0.0.1:${MQTT_PORTS[1]}  127.0.0.1:${MQTT_PORTS[2]}   (nodes lb-1, lb-2, lb-3)
  admin:   http://127.0.0.1:${ADMIN_PORTS[0]}  http://127.0.0.1:${ADMIN_PORTS[1]}  http://127.0.0.1:${ADMIN_PORTS[2]}
  brokers: b1=127.0.0.1:${BROKER_PORTS[0]}  b2=127.0.0.1:${BROKER_PORTS[1]}  b3=127.0.0.1:${BROKER_PORTS[2]}   (Mosquitto, pids ${PIDS[0]} ${PIDS[1]} ${PIDS[2]})
  logs:    $WORK
  try:     java -jar $JAR status
           java -jar $JAR route --admin http://127.0.0.1:${ADMIN_PORTS[1]} sensor-1
Ctrl-C stops everything this script started.
EOF

# Run until Ctrl-C / SIGTERM, or until a node dies (then stop the rest). A broker may die, or be
# killed to watch the tier fail its clients over: that is said once, and the tier keeps running.
reported=()
while true; do
  sleep 1
  for i in "${!PIDS[@]}"; do
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      case "${NAMES[$i]}" in
        broker*)
          if [ -z "${reported[$i]:-}" ]; then
            reported[$i]=1
            id=${NAMES[$i]#broker }
            echo "run-local-tier: $id (pid ${PIDS[$i]}) exited; the tier moves its clients to their ring successors." \
              "Start it again with: $MOSQUITTO -c $WORK/$id.conf -d (then stop it yourself)" >&2
          fi
          ;;
        *)
          echo "run-local-tier: ${NAMES[$i]} (pid ${PIDS[$i]}) exited; stopping the rest (its log: ${LOGS[$i]})" >&2
          KEEP=1
          exit 1
          ;;
      esac
    fi
  done
done
