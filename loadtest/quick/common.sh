# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # the quick scripts set broker, hap, lb and admin and read lb_pid, hap_pid
# Shared by the quick scripts (sourced, not run, from the repository root): scripts/lib.sh, the
# reference HAProxy, one Mosquitto, one mqttlb node and throw-away TLS files. Every process goes
# through lib.sh's launch, so that the script's exit, Ctrl-C included, stops exactly those by PID.

# shellcheck source=scripts/lib.sh
. scripts/lib.sh

MOSQUITTO=$(tool_path mosquitto) || die "mosquitto is not installed (Debian: apt-get install -y mosquitto)"
HAPROXY=$(tool_path haproxy) || die "haproxy is not installed (Debian: apt-get install -y haproxy)"
need_tools java curl python3
lib_work "mqttlb-${SCRIPT:-quick}"

# HAProxy as the reference balancer: one frontend, a stick table on the MQTT client id, one broker.
# BIND and SERVER are what follow "bind" and "server b1" (an address, then any options such as
# "ssl crt FILE"); MAXCONN (optional, may be empty) raises HAProxy's connection limit for many
# clients; RULES=tcp leaves the MQTT rules out, for clients whose client id HAProxy cannot read.
reference_haproxy_cfg() { # BIND SERVER [MAXCONN] [RULES]
  local maxconn=${3:-}
  echo "global"
  echo "  nbthread 2"
  [ -z "$maxconn" ] || echo "  maxconn $maxconn"
  echo "defaults"
  echo "  mode tcp"
  [ -z "$maxconn" ] || echo "  maxconn $maxconn"
  printf '  timeout connect 3s\n  timeout client 120s\n  timeout server 120s\n'
  printf 'frontend mqtt\n  bind %s\n' "$1"
  if [ "${4:-mqtt}" != tcp ]; then
    echo "  tcp-request inspect-delay 5s"
    echo "  tcp-request content reject unless { req.payload(0,0),mqtt_is_valid }"
  fi
  printf '  default_backend brokers\nbackend brokers\n'
  if [ "${4:-mqtt}" != tcp ]; then
    echo "  stick-table type string len 32 size 100k expire 30m"
    echo "  stick on req.payload(0,0),mqtt_field_value(connect,client_identifier)"
  fi
  echo "  server b1 $2"
}

start_haproxy() { # starts HAProxy from $WORK/haproxy.cfg, sets hap_pid, waits for its frontend on $hap
  launch haproxy "$WORK/haproxy.log" "$HAPROXY" -f "$WORK/haproxy.cfg"
  hap_pid=$STARTED_PID
  wait_port "$hap" 50 || fail_start haproxy "$WORK/haproxy.log"
}

# The two processes every quick script compares besides the node: Mosquitto on $broker and the
# reference HAProxy on $hap in front of it. MAXCONN (optional) raises both connection limits.
start_broker_and_haproxy() { # [MAXCONN]
  if [ -z "${1:-}" ]; then broker_conf "$broker"; else broker_conf "$broker" "max_connections -1"; fi >"$WORK/mosquitto.conf"
  launch mosquitto "$WORK/mosquitto.log" "$MOSQUITTO" -c "$WORK/mosquitto.conf"
  wait_port "$broker" 50 || fail_start mosquitto "$WORK/mosquitto.log"
  reference_haproxy_cfg "127.0.0.1:$hap" "127.0.0.1:$broker" "${1:-}" >"$WORK/haproxy.cfg"
  start_haproxy
}

# A standalone node in front of the one broker, on the ports in $lb and $admin, in MODE (default
# hash), written by `mqttlb tier write`; NODE_FILE is its file. OPTION... are more options of
# tier write (e.g. --cluster for a one-member Hazelcast cluster).
write_node_yaml() { # [OPTION...]
  write_tier --nodes 1 --brokers "b1=127.0.0.1:$broker" --mqtt-ports "$lb" --admin-ports "$admin" \
    --mode "${MODE:-hash}" "$@"
  NODE_FILE=${NODE_FILES[0]}
}

# Starts the node of $NODE_FILE with these JVM options, sets lb_pid, waits until it answers.
start_node() { # [JVM_OPTION...]
  launch node "$WORK/node.log" java "$@" -jar "$JAR" node --config "$NODE_FILE"
  lb_pid=$STARTED_PID
  wait_url "http://127.0.0.1:$admin/health" 300 || fail_start "the mqttlb node" "$WORK/node.log"
}

# $WORK/tls: a throw-away CA (ca.pem) and a server certificate for localhost and 127.0.0.1
# (server.pem, server.key: EC P-256, PKCS#8), and haproxy.pem (certificate then key, as HAProxy's
# "ssl crt" reads it). The same files serve HAProxy and the node, so both do the same handshakes.
make_tls_files() {
  local dir="$WORK/tls"
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

# The test class path (HiveMQ client) for the quick scripts' Java measurers, in $WORK/cp.txt.
test_class_path() {
  mvn -B -q dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null
}
