# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # the callers set work, broker, hap, lb, admin and read hap_pid, lb_pid
# Shared by the quick scripts (sourced, not run).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# HAProxy as the reference balancer: one frontend on 127.0.0.1:LISTEN, a stick table on the MQTT
# client id, one broker. MAXCONN (optional) raises HAProxy's connection limit for many clients.
reference_haproxy_cfg() { # LISTEN_PORT BROKER_PORT [MAXCONN]
  local maxconn=${3:-}
  echo "global"
  echo "  nbthread 2"
  [ -n "$maxconn" ] && echo "  maxconn $maxconn"
  echo "defaults"
  echo "  mode tcp"
  [ -n "$maxconn" ] && echo "  maxconn $maxconn"
  cat <<CFG
  timeout connect 3s
  timeout client 120s
  timeout server 120s
frontend mqtt
  bind 127.0.0.1:$1
  tcp-request inspect-delay 5s
  tcp-request content reject unless { req.payload(0,0),mqtt_is_valid }
  default_backend brokers
backend brokers
  stick-table type string len 32 size 100k expire 30m
  stick on req.payload(0,0),mqtt_field_value(connect,client_identifier)
  server b1 127.0.0.1:$2
CFG
}

# The three processes every quick script compares, on the ports in $broker, $hap, $lb and $admin,
# with their files and logs in $work; each PID goes into the caller's pids array (stopped by its
# EXIT trap). MAXCONN (optional) raises Mosquitto's and HAProxy's connection limits.
start_broker_and_haproxy() { # [MAXCONN]
  {
    printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$broker"
    [ -z "${1:-}" ] || echo "max_connections -1"
  } > "$work/mosquitto.conf"
  mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 & pids+=($!)
  reference_haproxy_cfg "$hap" "$broker" "${1:-}" > "$work/haproxy.cfg"
  haproxy -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 & pids+=($!); hap_pid=$!
  sleep 0.5
  kill -0 "$hap_pid" 2>/dev/null || { echo "haproxy did not start:" >&2; cat "$work/haproxy.log" >&2; exit 2; }
}

# $work/node.yaml: a standalone node in front of the one broker, in MODE (default hash).
write_node_yaml() {
  cat > "$work/node.yaml" <<CFG
node: { id: lb-bench }
listeners: [ { name: tcp, host: 127.0.0.1, port: $lb } ]
admin: { host: 127.0.0.1, port: $admin }
brokers: [ { id: b1, address: "127.0.0.1:$broker" } ]
routing: { mode: ${MODE:-hash} }
CFG
}

# Starts the node of $work/node.yaml with these JVM options, sets lb_pid, waits until it answers.
start_node() { # [JVM_OPTION...]
  java "$@" -jar target/mqttlb.jar node --config "$work/node.yaml" > "$work/node.log" 2>&1 & pids+=($!); lb_pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$admin/health" >/dev/null && break; sleep 0.1; done
}

# $work/tls: a throw-away CA (ca.pem) and a server certificate for localhost and 127.0.0.1
# (server.pem, server.key: EC P-256, PKCS#8), and haproxy.pem (certificate then key, as HAProxy's
# "ssl crt" reads it). The same files serve HAProxy and the node, so both do the same handshakes.
make_tls_files() {
  local dir="$work/tls"
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ca.key" \
    -out "$dir/ca.pem" -days 2 -subj "/CN=quick CA" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/server.key" \
    -out "$dir/server.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -out "$dir/server.pem" -days 2 -extfile "$dir/ext.cnf" 2>/dev/null
  cat "$dir/server.pem" "$dir/server.key" > "$dir/haproxy.pem"
}

# CPU time (user + system) a process has used, in clock ticks (USER_HZ, 100 per second here).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
