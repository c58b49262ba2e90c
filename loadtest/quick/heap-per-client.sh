#!/usr/bin/env bash
# Memory per idle relayed client (target: at most 4 KiB of heap per client, both sockets), with
# HAProxy's memory for the same clients as the baseline of the same run. CLIENTS MQTT 3.1.1 clients
# (the load-test engine, in its own JVM) connect through an mqttlb node, stay idle, and the node's
# used heap after a full GC is compared with its used heap before they came; then the same clients
# go through HAProxy (stick table on the client id, the reference setup), whose resident memory is
# compared the same way. Also prints the node's resident-memory, direct-memory, file-descriptor and
# thread counts with the clients held, and the classes whose heap grew most (jcmd
# GC.class_histogram, per client). 8000 clients fit the file-descriptor limit of 20,000 here. Loopback only, free ports; everything it starts
# it stops by PID. Needs mosquitto and haproxy (apt-get install -y mosquitto haproxy).
#   bash loadtest/quick/heap-per-client.sh [CLIENTS (5000)] [TRANSPORT (mqtt)]
# TRANSPORT mqtts: the clients speak TLS to the node (BoringSSL; PROVIDER=jdk for the JDK's engine)
# and to HAProxy ("ssl crt"), both with the same certificate. TRANSPORT ws: MQTT over WebSocket to
# the node; HAProxy cannot read a client id inside WebSocket frames, so it relays those clients by
# TCP alone (the nearest it has) to a Mosquitto WebSocket listener, which makes its figure a lower bound.
# shellcheck disable=SC2119 # the helpers of common.sh take their own optional arguments
set -euo pipefail
cd "$(dirname "$0")/../.."
clients=${1:-5000}
transport=${2:-mqtt}
case "$transport" in mqtt|mqtts|ws) ;; *) echo "TRANSPORT is mqtt, mqtts or ws, not $transport" >&2; exit 2 ;; esac
ramp=10
hold=30
SCRIPT="heap-per-client"
[ -f target/mqttlb.jar ] || mvn -B -q package -DskipTests
# shellcheck source=loadtest/quick/common.sh
. loadtest/quick/common.sh
need_tools jcmd
read -r broker hap lb admin ws_broker ws_plain <<<"$(free_ports 6)"

start_broker_and_haproxy "$((clients + 100))"
case "$transport" in
  mqtt)
    write_node_yaml
    ;;
  mqtts)
    make_tls_files
    listener_extra=", tls: { certPath: $WORK/tls/server.pem, keyPath: $WORK/tls/server.key, provider: ${PROVIDER:-openssl} }"
    # HAProxy again, now terminating TLS on its bind line (the MQTT rules read the decrypted bytes)
    stop_named haproxy
    reference_haproxy_cfg "127.0.0.1:$hap ssl crt $WORK/tls/haproxy.pem" "127.0.0.1:$broker" "$((clients + 100))" \
      > "$WORK/haproxy.cfg"
    start_haproxy
    ;;
  ws)
    listener_extra=", websocket: { path: /mqtt }"
    # HAProxy's clients need a broker that speaks WebSocket: a second Mosquitto with a WebSocket
    # listener (Mosquitto 2.0 starts only with a plain listener beside it).
    broker_conf "$ws_plain" "listener $ws_broker 127.0.0.1" "protocol websockets" \
      "max_connections -1" > "$WORK/mosquitto-ws.conf"
    launch mosquitto-ws "$WORK/mosquitto-ws.log" "$MOSQUITTO" -c "$WORK/mosquitto-ws.conf"
    wait_port "$ws_broker" 50 || fail_start "the WebSocket Mosquitto" "$WORK/mosquitto-ws.log"
    stop_named haproxy
    reference_haproxy_cfg "127.0.0.1:$hap" "127.0.0.1:$ws_broker" "$((clients + 100))" tcp > "$WORK/haproxy.cfg"
    start_haproxy
    ;;
esac
if [ "$transport" != mqtt ]; then
  # A TLS or WebSocket listener, which mqttlb tier write does not write: a file of its own.
  NODE_FILE=$WORK/node.yaml
  cat > "$NODE_FILE" <<CFG
node: { id: lb-bench }
listeners: [ { name: tcp, host: 127.0.0.1, port: $lb$listener_extra } ]
admin: { host: 127.0.0.1, port: $admin }
brokers: [ { id: b1, address: "127.0.0.1:$broker" } ]
routing: { mode: ${MODE:-hash} }
CFG
fi
start_node -Xmx512m

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
heap_kib() { # used heap of the node after a full GC
  jcmd "$lb_pid" GC.run >/dev/null
  jcmd "$lb_pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -n 1 | grep -oE '[0-9]+'
}
target() { # PORT: how the clients reach that port
  case "$transport" in
    mqtt) echo "127.0.0.1:$1" ;;
    mqtts) echo "mqtts://localhost:$1" ;;
    ws) echo "ws://127.0.0.1:$1/mqtt" ;;
  esac
}
idle_clients() { # TARGET_PORT: CLIENTS idle clients for ramp + hold seconds, in the background
  local ca=""
  if [ "$transport" = mqtts ]; then ca="caFile: $WORK/tls/ca.pem"; fi
  cat > "$WORK/idle-$1.yaml" <<SIM
simulation: idle-clients
markerTopic: null
targets: ["$(target "$1")"]
$ca
scenarios:
  - name: idle
    clientIdPrefix: idle-
    protocol: 3
    steps:
      - connect: { cleanSession: true, keepAlive: 300s }
      - pause: ${hold}s
      - disconnect: {}
    injection:
      - rampUsers: { users: $clients, during: ${ramp}s }
SIM
  launch loadtest "$WORK/loadtest-$1.log" java -jar "$JAR" loadtest "$WORK/idle-$1.yaml" --quiet
  load_pid=$STARTED_PID
}
metric() { # NAME{LABELS} as printed by /metrics
  curl -s "http://127.0.0.1:$admin/metrics" | awk -v m="$1" 'index($0, m) == 1 { print $2; exit }'
}
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
threads() { awk '/^Threads/ { print $2 }' "/proc/$1/status"; }
connected() { curl -s "http://127.0.0.1:$admin/api/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["clients"])'; }

sleep 5 # the node's first health checks and JIT settle
heap0=$(heap_kib); rss0=$(rss_kib "$lb_pid")
jcmd "$lb_pid" GC.class_histogram > "$WORK/histo-before.txt"
idle_clients "$lb"
sleep $((ramp + 10))
through_node=$(connected)
heap1=$(heap_kib); rss1=$(rss_kib "$lb_pid")
echo "with the clients held: direct buffers $(metric 'jvm_buffer_memory_used_bytes{id="direct"') B (JVM), \
allocator direct $(metric 'mqttlb_buffer_memory_bytes{area="direct"') B, heap $(metric 'mqttlb_buffer_memory_bytes{area="heap"') B; \
$(fds "$lb_pid") file descriptors, $(threads "$lb_pid") threads"
jcmd "$lb_pid" GC.class_histogram > "$WORK/histo-after.txt"
wait "$load_pid" || true

hap0=$(rss_kib "$hap_pid")
if [ "$transport" = ws ]; then echo "HAProxy relays the WebSocket clients by TCP alone (no client id), in tcp mode, to a Mosquitto WebSocket listener"; fi
idle_clients "$hap"
sleep $((ramp + 10))
hap1=$(rss_kib "$hap_pid")
wait "$load_pid" || true

python3 - "$clients" "$through_node" "$heap0" "$heap1" "$rss0" "$rss1" "$hap0" "$hap1" "$WORK" "$transport" <<'PY'
import re, sys
clients, through, heap0, heap1, rss0, rss1, hap0, hap1 = (int(v) for v in sys.argv[1:9])
work = sys.argv[9]
print(f"clients: {clients} asked, {through} relayed by the node at the measurement ({sys.argv[10]})")
n = max(through, 1)
target = "<= 16 KiB of heap and direct memory with TLS" if sys.argv[10] == "mqtts" else "<= 4 KiB"
print(f"mqttlb node heap per client (after full GC): {(heap1 - heap0) / n:.2f} KiB   (target: {target})")
print(f"mqttlb node resident memory per client:       {(rss1 - rss0) / n:.2f} KiB")
print(f"HAProxy resident memory per client:           {(hap1 - hap0) / clients:.2f} KiB   (baseline, same run)")
def histogram(path):
    rows = {}
    for line in open(path):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return rows
before, after = histogram(f"{work}/histo-before.txt"), histogram(f"{work}/histo-after.txt")
grown = sorted(((b - before.get(k, (0, 0))[1], c - before.get(k, (0, 0))[0], k) for k, (c, b) in after.items()), reverse=True)
print("heap growth per client by class (top 8):")
for size, count, name in grown[:8]:
    print(f"  {size / n:8.0f} B  {count / n:5.2f} objects  {name}")
PY
