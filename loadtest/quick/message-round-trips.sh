#!/usr/bin/env bash
# Side by side on this machine: message round-trip time and balancer CPU per relayed message round
# trip (DESIGN §8's second reference figure), for a Mosquitto broker directly (baseline), through
# HAProxy (stick table on the client id, the reference setup) and through an mqttlb node. One MQTT
# 3.1.1 client publishes QoS 0 messages to its own subscription at a fixed rate. Loopback only;
# everything it starts it stops by PID. Needs mosquitto and haproxy (apt-get install -y mosquitto haproxy).
#   bash loadtest/quick/message-round-trips.sh [MESSAGES_PER_ROUND (50000)] [RATE_PER_SECOND (5000)] [ROUNDS (5)]
set -euo pipefail
cd "$(dirname "$0")/../.."
messages=${1:-50000}
rate=${2:-5000}
rounds=${3:-5}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
broker=$(free_port); hap=$(free_port); lb=$(free_port); admin=$(free_port)

[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null

printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$broker" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)
reference_haproxy_cfg "$hap" "$broker" > "$work/haproxy.cfg"
haproxy -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 & pids+=($!); hap_pid=$!
cat > "$work/node.yaml" <<CFG
node: { id: lb-bench }
listeners: [ { name: tcp, host: 127.0.0.1, port: $lb } ]
admin: { host: 127.0.0.1, port: $admin }
brokers: [ { id: b1, address: "127.0.0.1:$broker" } ]
routing: { mode: ${MODE:-hash} }
CFG
java -jar target/mqttlb.jar node --config "$work/node.yaml" > "$work/node.log" 2>&1 & pids+=($!); lb_pid=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$admin/health" >/dev/null && break; sleep 0.1; done
echo "each round: $messages messages at $rate/s per target; the first rounds include the JIT warming up"
java -cp "$(cat "$work/cp.txt")" loadtest/quick/MessageRoundTrips.java "$broker" "$hap" "$lb" "$hap_pid" "$lb_pid" \
  "$messages" "$rate" "$rounds"
