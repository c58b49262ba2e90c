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
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
broker=$(free_port); hap=$(free_port); lb=$(free_port); admin=$(free_port)

[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null

start_broker_and_haproxy
write_node_yaml
if [ "${CLUSTER:-0}" = 1 ]; then
  hz=$(free_port)
  cat > "$work/hazelcast.yaml" <<CFG
hazelcast:
  cluster-name: connect-cycles-$$
  network:
    port: { port: $hz, auto-increment: false }
    join:
      auto-detection: { enabled: false }
      multicast: { enabled: false }
      tcp-ip: { enabled: true, member-list: [ "127.0.0.1:$hz" ] }
    interfaces: { enabled: true, interfaces: [ 127.0.0.1 ] }
  metrics: { jmx: { enabled: false }, management-center: { enabled: false } }
CFG
  printf 'cluster: { hazelcastConfig: %s }\n' "$work/hazelcast.yaml" >> "$work/node.yaml"
fi
# NODE_OPTS: JVM options for the node, e.g. -Dmqttlb.listener.reusePort=false (one accepting socket)
# shellcheck disable=SC2086 # NODE_OPTS is a list of options
start_node ${NODE_OPTS:-}
echo "mqttlb node: mode ${MODE:-hash}, $([ "${CLUSTER:-0}" = 1 ] && echo 'one-member Hazelcast cluster' || echo standalone)"
java -cp "$(cat "$work/cp.txt")" loadtest/quick/ConnectCycles.java "$broker" "$hap" "$lb" "$hap_pid" "$lb_pid" "$cycles" "$rounds"
