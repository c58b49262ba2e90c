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
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ "${KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
broker=$(free_port); hap=$(free_port); lb=$(free_port); lb_jdk=$(free_port); admin=$(free_port)
[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
make_tls_files

printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$broker" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)
# The reference configuration with TLS on its bind line; the MQTT rules then read the decrypted bytes.
reference_haproxy_cfg "$hap" "$broker" \
  | sed "s|^  bind 127.0.0.1:$hap\$|  bind 127.0.0.1:$hap ssl crt $work/tls/haproxy.pem|" > "$work/haproxy.cfg"
grep -q "ssl crt" "$work/haproxy.cfg" || { echo "could not put TLS on HAProxy's bind line" >&2; exit 2; }
haproxy -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 & pids+=($!); hap_pid=$!
cat > "$work/node.yaml" <<CFG
node: { id: lb-tls-bench }
listeners:
  - { name: tls, host: 127.0.0.1, port: $lb,
      tls: { certPath: $work/tls/server.pem, keyPath: $work/tls/server.key, provider: openssl } }
  - { name: tls-jdk, host: 127.0.0.1, port: $lb_jdk,
      tls: { certPath: $work/tls/server.pem, keyPath: $work/tls/server.key, provider: jdk } }
admin: { host: 127.0.0.1, port: $admin }
brokers: [ { id: b1, address: "127.0.0.1:$broker" } ]
CFG
start_node
kill -0 "$lb_pid" 2>/dev/null || { echo "the node did not start:" >&2; cat "$work/node.log" >&2; exit 2; }

handshakes() { # NAME PORT PID: full handshakes for $seconds, per CPU-second of PID
  local before after out count
  before=$(cpu_ticks "$3")
  out=$(openssl s_time -connect "127.0.0.1:$2" -new -time "$seconds" -CAfile "$work/tls/ca.pem" 2>&1 | grep 'connections in' | head -n 1)
  after=$(cpu_ticks "$3")
  count=$(echo "$out" | awk '{ print $1 }')
  python3 -c "import sys; n, t = int(sys.argv[2]), int(sys.argv[3]); \
print(f'{sys.argv[1]:<24} {n:6d} handshakes, {t / 100:5.2f} CPU-s: {n / max(t, 1) * 100:7.0f} per CPU-second, {t * 10000 / max(n, 1):5.0f} us each')" \
    "$1" "$count" "$((after - before))"
}
echo "== full TLS handshakes (openssl s_time -new, ${seconds}s each; warm-up first) =="
openssl s_time -connect "127.0.0.1:$lb" -new -time 3 -CAfile "$work/tls/ca.pem" >/dev/null 2>&1 || true
openssl s_time -connect "127.0.0.1:$lb_jdk" -new -time 3 -CAfile "$work/tls/ca.pem" >/dev/null 2>&1 || true
for r in $(seq "$rounds"); do
  echo "round $r"
  handshakes "haproxy (OpenSSL 3)" "$hap" "$hap_pid"
  handshakes "mqttlb (BoringSSL)" "$lb" "$lb_pid"
  handshakes "mqttlb (JDK)" "$lb_jdk" "$lb_pid"
done

echo "== MQTT connect over TLS (HiveMQ client, new session each, $cycles cycles per round) =="
java -cp "$(cat "$work/cp.txt")" loadtest/quick/TlsConnectCycles.java "$work/tls/ca.pem" \
  "$hap" "$lb" "$hap_pid" "$lb_pid" "$cycles" "$rounds"
