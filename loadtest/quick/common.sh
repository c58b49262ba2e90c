# shellcheck shell=bash
# Shared by the quick scripts (sourced, not run).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# HAProxy as DESIGN §8's reference: one frontend on 127.0.0.1:LISTEN, a stick table on the MQTT
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
