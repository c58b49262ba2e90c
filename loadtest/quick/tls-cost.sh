#!/usr/bin/env bash
# What terminating TLS costs an mqttlb node, with HAProxy 2.6 terminating TLS ("ssl crt") in front
# of the same broker as the baseline of the same run. Both use the same EC P-256 certificate, TLS 1.3.
#  1. Full handshakes per CPU-second of the balancer: `openssl s_time -new` (a new session each
#     time, no resumption) for SECONDS against each, the balancer's CPU read from /proc.
#     The node is measured with BoringSSL (provider openssl) and with the JDK's engine.
#  2. CPU per MQTT connect over TLS: CYCLES connect+CONNACK+disconnect cycles of a real client
#     (HiveMQ, a new TLS session each), through HAProxy (MQTT stick table) and through the node.
# Loopback only; everything it starts it stops by PID. Needs mosquitto, haproxy and openssl.
#   bash loadtest/quick/tls-cost.sh [SECONDS (10)] [CYCLES (2000)] [ROUNDS (3)]
# shellcheck disable=SC2119 # the helpers of common.sh take their own optional arguments
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
cycles=${2:-2000}
rounds=${3:-3}
SCRIPT="tls-cost"
[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
need_tools openssl
read -r broker hap lb lb_jdk admin <<<"$(free_ports 5)"
test_class_path
make_tls_files

broker_conf "$broker" > "$WORK/mosquitto.conf"
launch mosquitto "$WORK/mosquitto.log" "$MOSQUITTO" -c "$WORK/mosquitto.conf"
wait_port "$broker" 50 || fail_start mosquitto "$WORK/mosquitto.log"
# The reference configuration with TLS on its bind line; the MQTT rules then read the decrypted bytes.
reference_haproxy_cfg "127.0.0.1:$hap ssl crt $WORK/tls/haproxy.pem" "127.0.0.1:$broker" > "$WORK/haproxy.cfg"
start_haproxy
# Two TLS listeners, which mqttlb tier write does not write: a file of its own.
NODE_FILE=$WORK/node.yaml
cat > "$NODE_FILE" <<CFG
node: { id: lb-tls-bench }
listeners:
  - { name: tls, host: 127.0.0.1, port: $lb,
      tls: { certPath: $WORK/tls/server.pem, keyPath: $WORK/tls/server.key, provider: openssl } }
  - { name: tls-jdk, host: 127.0.0.1, port: $lb_jdk,
      tls: { certPath: $WORK/tls/server.pem, keyPath: $WORK/tls/server.key, provider: jdk } }
admin: { host: 127.0.0.1, port: $admin }
brokers: [ { id: b1, address: "127.0.0.1:$broker" } ]
CFG
start_node

handshakes() { # NAME PORT PID: full handshakes for $seconds, per CPU-second of PID
  local before after out count
  before=$(cpu_ticks "$3")
  out=$(openssl s_time -connect "127.0.0.1:$2" -new -time "$seconds" -CAfile "$WORK/tls/ca.pem" 2>&1 | grep 'connections in' | head -n 1)
  after=$(cpu_ticks "$3")
  count=$(echo "$out" | awk '{ print $1 }')
  python3 -c "import sys; n, t = int(sys.argv[2]), int(sys.argv[3]); \
print(f'{sys.argv[1]:<24} {n:6d} handshakes, {t / 100:5.2f} CPU-s: {n / max(t, 1) * 100:7.0f} per CPU-second, {t * 10000 / max(n, 1):5.0f} us each')" \
    "$1" "$count" "$((after - before))"
}
echo "== full TLS handshakes (openssl s_time -new, ${seconds}s each; warm-up first) =="
openssl s_time -connect "127.0.0.1:$lb" -new -time 3 -CAfile "$WORK/tls/ca.pem" >/dev/null 2>&1 || true
openssl s_time -connect "127.0.0.1:$lb_jdk" -new -time 3 -CAfile "$WORK/tls/ca.pem" >/dev/null 2>&1 || true
for r in $(seq "$rounds"); do
  echo "round $r"
  handshakes "haproxy (OpenSSL 3)" "$hap" "$hap_pid"
  handshakes "mqttlb (BoringSSL)" "$lb" "$lb_pid"
  handshakes "mqttlb (JDK)" "$lb_jdk" "$lb_pid"
done

echo "== MQTT connect over TLS (HiveMQ client, new session each, $cycles cycles per round) =="
java -cp "$(cat "$WORK/cp.txt")" loadtest/quick/TlsConnectCycles.java "$WORK/tls/ca.pem" \
  "$hap" "$lb" "$hap_pid" "$lb_pid" "$cycles" "$rounds"
