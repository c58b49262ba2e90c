#!/usr/bin/env bash
# Side by side on this machine: message round-trip time and balancer CPU per relayed message round
# trip, for a Mosquitto broker directly (baseline), through
# HAProxy (stick table on the client id, the reference setup) and through an mqttlb node. One MQTT
# 3.1.1 client publishes QoS 0 messages to its own subscription at a fixed rate. Loopback only;
# everything it starts it stops by PID. Needs mosquitto and haproxy (apt-get install -y mosquitto haproxy).
#   bash loadtest/quick/message-round-trips.sh [MESSAGES_PER_ROUND (50000)] [RATE_PER_SECOND (5000)] [ROUNDS (5)]
# shellcheck disable=SC2119 # the helpers of common.sh take their own optional arguments
set -euo pipefail
cd "$(dirname "$0")/../.."
messages=${1:-50000}
rate=${2:-5000}
rounds=${3:-5}
SCRIPT="message-round-trips"
[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
read -r broker hap lb admin <<<"$(free_ports 4)"
test_class_path

start_broker_and_haproxy
write_node_yaml
# shellcheck disable=SC2086 # NODE_OPTS is a list of options
start_node ${NODE_OPTS:-}
echo "each round: $messages messages at $rate/s per target; the first rounds include the JIT warming up"
java -cp "$(cat "$WORK/cp.txt")" loadtest/quick/MessageRoundTrips.java "$broker" "$hap" "$lb" "$hap_pid" "$lb_pid" \
  "$messages" "$rate" "$rounds"
