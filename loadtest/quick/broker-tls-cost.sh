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
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
broker=$(free_port); broker_tls=$(free_port); hap=$(free_port); lb=$(free_port); admin=$(free_port)

[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null

make_tls_files
# Mosquitto started as root reads its files as the user mosquitto.
chmod 755 "$work" "$work/tls"; chmod 644 "$work"/tls/*
cat > "$work/mosquitto.conf" <<CFG
listener $broker 127.0.0.1
allow_anonymous true
listener $broker_tls 127.0.0.1
certfile $work/tls/server.pem
keyfile $work/tls/server.key
CFG
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)

if [ "${PLAIN:-0}" = 1 ]; then
  server="server b1 127.0.0.1:$broker"
  broker_yaml="{ id: b1, address: \"127.0.0.1:$broker\" }"
else
  server="server b1 127.0.0.1:$broker_tls ssl verify required ca-file $work/tls/ca.pem sni str(localhost) verifyhost localhost"
  broker_yaml="{ id: b1, address: \"127.0.0.1:$broker_tls\", tls: { caPath: \"$work/tls/ca.pem\", serverName: localhost } }"
fi
reference_haproxy_cfg "$hap" "$broker" | sed "s|^  server b1 .*|  $server|" > "$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 & pids+=($!); hap_pid=$!
sleep 0.5
kill -0 "$hap_pid" 2>/dev/null || { echo "haproxy did not start:" >&2; cat "$work/haproxy.log" >&2; exit 2; }

cat > "$work/node.yaml" <<CFG
node: { id: lb-bench }
listeners: [ { name: tcp, host: 127.0.0.1, port: $lb } ]
admin: { host: 127.0.0.1, port: $admin }
brokers: [ $broker_yaml ]
CFG
# shellcheck disable=SC2086 # NODE_OPTS is a list of options
start_node ${NODE_OPTS:-}
echo "to the broker: $([ "${PLAIN:-0}" = 1 ] && echo 'plain TCP' || echo 'TLS, certificate and name verified')"
java -cp "$(cat "$work/cp.txt")" loadtest/quick/ConnectCycles.java "$broker" "$hap" "$lb" "$hap_pid" "$lb_pid" "$cycles" "$rounds"
