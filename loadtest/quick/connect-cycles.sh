#!/usr/bin/env bash
# Side by side on this machine: CONNECT->CONNACK latency and balancer CPU per connect+disconnect
# cycle, for a Mosquitto broker directly (baseline), through HAProxy (stick table on the client id,
# the reference setup) and through an mqttlb node. Loopback only; everything it starts
# it stops by PID. Needs mosquitto and haproxy (apt-get install -y mosquitto haproxy).
#   bash loadtest/quick/connect-cycles.sh [CYCLES_PER_ROUND] [ROUNDS]
# MODE=table runs the node in table mode (every cycle's client id is new: each connect writes a
# sticky entry); CLUSTER=1 makes the node a one-member Hazelcast cluster, so that table reads and
# writes go through the ReplicatedMaps as in a real tier.
# shellcheck disable=SC2119 # the helpers of common.sh take their own optional arguments
set -euo pipefail
cd "$(dirname "$0")/../.."
cycles=${1:-3000}
rounds=${2:-8}
SCRIPT="connect-cycles"
[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
read -r broker hap lb admin <<<"$(free_ports 4)"
test_class_path

start_broker_and_haproxy
if [ "${CLUSTER:-0}" = 1 ]; then
  write_node_yaml --cluster --hazelcast-ports 0 --cluster-name "connect-cycles-$$"
else
  write_node_yaml
fi
# NODE_OPTS: JVM options for the node, e.g. -Dmqttlb.listener.reusePort=false (one accepting socket)
# shellcheck disable=SC2086 # NODE_OPTS is a list of options
start_node ${NODE_OPTS:-}
echo "mqttlb node: mode ${MODE:-hash}, $([ "${CLUSTER:-0}" = 1 ] && echo 'one-member Hazelcast cluster' || echo standalone)"
java -cp "$(cat "$WORK/cp.txt")" loadtest/quick/ConnectCycles.java "$broker" "$hap" "$lb" "$hap_pid" "$lb_pid" "$cycles" "$rounds"
