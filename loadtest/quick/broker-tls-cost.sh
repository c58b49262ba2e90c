#!/usr/bin/env bash
# What TLS towards the broker costs a balancer: connect+disconnect cycles (a real HiveMQ client,
# plain MQTT to the balancer) through HAProxy (server ... ssl verify required) and through an
# mqttlb node (brokers[].tls), both re-encrypting to the same Mosquitto TLS listener; the broker's
# plain port is the baseline. Prints the median CONNECT-to-CONNACK time of each and the CPU each
# balancer spent per 1000 cycles. PLAIN=1 runs both balancers to the plain port instead, for the
# same figures without TLS. Loopback only; everything it starts it stops by PID.
#   bash loadtest/quick/broker-tls-cost.sh [CYCLES_PER_ROUND] [ROUNDS]
# shellcheck disable=SC2119 # the helpers of common.sh take their own optional arguments
set -euo pipefail
cd "$(dirname "$0")/../.."
cycles=${1:-2000}
rounds=${2:-6}
SCRIPT="broker-tls-cost"
[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
read -r broker broker_tls hap lb admin <<<"$(free_ports 5)"
test_class_path

make_tls_files
# Mosquitto started as root reads its files as the user mosquitto.
chmod 755 "$WORK" "$WORK/tls"; chmod 644 "$WORK"/tls/*
broker_conf "$broker" "listener $broker_tls 127.0.0.1" "certfile $WORK/tls/server.pem" "keyfile $WORK/tls/server.key" \
  > "$WORK/mosquitto.conf"
launch mosquitto "$WORK/mosquitto.log" "$MOSQUITTO" -c "$WORK/mosquitto.conf"
wait_port "$broker_tls" 50 || fail_start mosquitto "$WORK/mosquitto.log"

if [ "${PLAIN:-0}" = 1 ]; then
  server="127.0.0.1:$broker"
  broker_yaml="{ id: b1, address: \"127.0.0.1:$broker\" }"
else
  server="127.0.0.1:$broker_tls ssl verify required ca-file $WORK/tls/ca.pem sni str(localhost) verifyhost localhost"
  broker_yaml="{ id: b1, address: \"127.0.0.1:$broker_tls\", tls: { caPath: \"$WORK/tls/ca.pem\", serverName: localhost } }"
fi
reference_haproxy_cfg "127.0.0.1:$hap" "$server" > "$WORK/haproxy.cfg"
start_haproxy

# The node reaches its broker over TLS, which mqttlb tier write does not write: a file of its own.
NODE_FILE=$WORK/node.yaml
cat > "$NODE_FILE" <<CFG
node: { id: lb-bench }
listeners: [ { name: tcp, host: 127.0.0.1, port: $lb } ]
admin: { host: 127.0.0.1, port: $admin }
brokers: [ $broker_yaml ]
CFG
# shellcheck disable=SC2086 # NODE_OPTS is a list of options
start_node ${NODE_OPTS:-}
echo "to the broker: $([ "${PLAIN:-0}" = 1 ] && echo 'plain TCP' || echo 'TLS, certificate and name verified')"
java -cp "$(cat "$WORK/cp.txt")" loadtest/quick/ConnectCycles.java "$broker" "$hap" "$lb" "$hap_pid" "$lb_pid" "$cycles" "$rounds"
