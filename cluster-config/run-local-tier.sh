#!/usr/bin/env bash
# A local three-node tier on loopback: three Mosquitto brokers (b1..b3 on 127.0.0.1:1981-1983,
# b2 and b3 bridging the topics fleet/# to b1) and three nodes (MQTT on 127.0.0.1:1883-1885, admin
# API on 8080-8082, Hazelcast on 5701-5703, table mode) configured as cluster-config/node-{1,2,3}.yaml:
# `mqttlb tier write` writes their files, with the same settings, into a temporary directory.
# Runs in the foreground; Ctrl-C (or SIGTERM) stops exactly the processes it started, by PID.
#
#   mvn -B package -DskipTests          # builds target/mqttlb.jar
#   cluster-config/run-local-tier.sh    # from anywhere; paths are taken from the repository root
#
# Set MQTTLB_ADMIN_TOKEN to require a bearer token on the admin API. Logs and the generated
# configuration files live in a temporary directory that is removed on exit (KEEP=1 keeps it).
# JAVA_OPTS: the nodes' JVM options (default -Xmx256m).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRIPT="run-local-tier"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
BROKER_PORTS=(1981 1982 1983)

MOSQUITTO=$(tool_path mosquitto) || die "mosquitto is not installed (Debian: apt-get install -y mosquitto)"
need_tools java curl
need_jar
for port in "${BROKER_PORTS[@]}" 1883 1884 1885 8080 8081 8082 5701 5702 5703; do
  if port_open "$port"; then die "port $port on 127.0.0.1 is already in use"; fi
done
command -v mosquitto_pub >/dev/null \
  || say "mosquitto_pub not found (Debian: mosquitto-clients); brokers get no mqttlb/broker marker"

lib_work mqttlb-local-tier
for i in 0 1 2; do
  id="b$((i + 1))"
  {
    broker_conf "${BROKER_PORTS[$i]}" "log_type error" "log_type warning" "log_type information"
    if [ "$i" -gt 0 ]; then bridge_conf "local-tier-$id" "${BROKER_PORTS[0]}"; fi
  } >"$WORK/$id.conf"
  start_broker broker "$id" "${BROKER_PORTS[$i]}"
done

write_tier --brokers "b1=127.0.0.1:${BROKER_PORTS[0]},b2=127.0.0.1:${BROKER_PORTS[1]},b3=127.0.0.1:${BROKER_PORTS[2]}" \
  --mode table --token-env MQTTLB_ADMIN_TOKEN
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
start_tier node $JAVA_OPTS
# A node's first start takes a few seconds.
for i in "${!NODE_IDS[@]}"; do
  wait_url "http://127.0.0.1:${NODE_ADMIN_PORTS[$i]}/health" 600 \
    || fail_start "node ${NODE_IDS[$i]} (its admin API within 60 s)" "$WORK/node-$((i + 1)).log"
done
auth=()
[ -n "${MQTTLB_ADMIN_TOKEN:-}" ] && auth=(-H "Authorization: Bearer $MQTTLB_ADMIN_TOKEN")
members=$(curl -fsS "${auth[@]}" "http://127.0.0.1:${NODE_ADMIN_PORTS[0]}/api/v1/status" 2>/dev/null \
  | grep -o '"members":\[[^]]*\]' || echo "members: unknown")

cat <<INFO

mqttlb local tier is up ($members)
  MQTT:    127.0.0.1:${NODE_MQTT_PORTS[0]}  127.0.0.1:${NODE_MQTT_PORTS[1]}  127.0.0.1:${NODE_MQTT_PORTS[2]}   (nodes ${NODE_IDS[*]})
  admin:   http://127.0.0.1:${NODE_ADMIN_PORTS[0]}  http://127.0.0.1:${NODE_ADMIN_PORTS[1]}  http://127.0.0.1:${NODE_ADMIN_PORTS[2]}
  brokers: b1=127.0.0.1:${BROKER_PORTS[0]}  b2=127.0.0.1:${BROKER_PORTS[1]}  b3=127.0.0.1:${BROKER_PORTS[2]}   (Mosquitto, pids $(pids_of broker))
  logs:    $WORK
  try:     java -jar $JAR status
           java -jar $JAR route --admin http://127.0.0.1:${NODE_ADMIN_PORTS[1]} sensor-1
Ctrl-C stops everything this script started.
INFO

# Run until Ctrl-C / SIGTERM, or until a node dies (then stop the rest). A broker may die, or be
# killed to watch the tier fail its clients over: that is said once, and the tier keeps running.
reported=()
while true; do
  sleep 1
  for i in "${!PIDS[@]}"; do
    kill -0 "${PIDS[$i]}" 2>/dev/null && continue
    if is_named "$i" broker; then
      if [ -z "${reported[$i]:-}" ]; then
        reported[i]=1
        id=${NAMES[$i]#broker }
        warn "$id (pid ${PIDS[$i]}) exited; the tier moves its clients to their ring successors." \
          "Start it again with: $MOSQUITTO -c $WORK/$id.conf -d (then stop it yourself)"
      fi
    else
      warn "${NAMES[$i]} (pid ${PIDS[$i]}) exited; stopping the rest (its log: ${LOGS[$i]})"
      KEEP=1
      exit 1
    fi
  done
done
