#!/usr/bin/env bash
# The topology of compose.yaml without containers, from Debian's packages, for a developer's machine: HAProxy round robin over
# two instances of the web app (built here, Production), sharing Redis and a PostgreSQL cluster of their own, every server on
# a free loopback port with its files in one temporary folder. Prints the one address; Ctrl-C stops and removes everything.
#
#   scripts/scale-out.sh            run until Ctrl-C
#   scripts/scale-out.sh --check    walk the OAuth flow through the balancer with curl (answered by both instances),
#                                   restart both instances, check the session survived, then stop
#
# The instances inherit this script's environment, so any setting can be given as a variable
# (Sandbox__AccessTokenLifetime=00:00:15 scripts/scale-out.sh). For tools that drive the topology (bench/scale.py):
#   SCALE_OUT_APP=DIR      run the web app already published in DIR instead of building it
#   SCALE_OUT_STATE=FILE   once every server answers, write the addresses, ports and process ids there (key=value lines)
#   SCALE_OUT_SANDBOX_OPTIONS=";Max Auto Prepare=0"   more Npgsql settings at the end of the sandbox's connection string
#
# Needs: redis-server, postgresql (15), haproxy (apt-get install redis-server postgresql haproxy), the .NET SDK, and root
# (PostgreSQL runs as the postgres user).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
chmod 755 "$work"
jar=$work/cookies.txt
. "$root/scripts/curl-browser.sh"

pg_bin=/usr/lib/postgresql/15/bin
for tool in redis-server haproxy "$pg_bin/initdb"; do
  command -v "$tool" >/dev/null || fail "missing $tool: apt-get install redis-server postgresql haproxy"
done
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
balancer_port=$(free_port); redis_port=$(free_port); pg_port=$(free_port); app_ports=("$(free_port)" "$(free_port)")
base=http://localhost:$balancer_port
pids=()

stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$work/pg/PG_VERSION" ] && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

if [ -n "${SCALE_OUT_APP:-}" ]; then
  [ -f "$SCALE_OUT_APP/AgilePlanner.WebApp.dll" ] || fail "SCALE_OUT_APP=$SCALE_OUT_APP holds no published web app"
  cp -r "$SCALE_OUT_APP" "$work/app"
else
  step "build the web app (Release)"
  dotnet publish AgilePlanner.WebApp -c Release -o "$work/app" -v q -nologo >"$work/publish.log" 2>&1 || { tail -20 "$work/publish.log" >&2; fail "dotnet publish"; }
fi

step "Redis on 127.0.0.1:$redis_port"
mkdir -p "$work/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --save "" --appendonly yes >"$work/redis.log" 2>&1 &
pids+=($!)

step "PostgreSQL on 127.0.0.1:$pg_port"
mkdir -p "$work/pg" && chown postgres "$work/pg"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --no-sync >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; fail initdb; }
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 30 \
  -o "-p $pg_port -h 127.0.0.1 -k $work/pg" start >/dev/null || fail "PostgreSQL did not start"
runuser -u postgres -- "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres sandbox

start_instance() {
  local i=$1
  mkdir -p "$work/data$i"
  # From its own folder: the content root, where its appsettings.json is.
  (cd "$work/app" && exec env DOTNET_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:${app_ports[$i]}" DataDirectory="$work/data$i" \
    AgilePlanner__PublicBaseUrl="$base" \
    ConnectionStrings__Redis="127.0.0.1:$redis_port,abortConnect=false" \
    Sandbox__Database=PostgreSQL ConnectionStrings__Sandbox="Host=127.0.0.1;Port=$pg_port;Database=sandbox;Username=postgres${SCALE_OUT_SANDBOX_OPTIONS:-}" \
    dotnet AgilePlanner.WebApp.dll >>"$work/app$i.log" 2>&1) &
  instance_pids[$i]=$!
  pids+=($!)
}
instance_pids=()
show_logs() { for log in "$work"/app*.log "$work"/haproxy.log; do echo "--- $log" >&2; tail -n 15 "$log" >&2; done; }
instances_alive() { for pid in "${instance_pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done; }
step "two instances on 127.0.0.1:${app_ports[0]} and 127.0.0.1:${app_ports[1]}"
start_instance 0
start_instance 1

step "HAProxy on $base"
sed -e "s/^  bind :8080$/  bind 127.0.0.1:$balancer_port/" \
    -e "/^resolvers/,/^$/d" -e "s/ resolvers containers init-addr last,libc,none//" \
    -e "s/server app1 app1:8080/server app1 127.0.0.1:${app_ports[0]}/" -e "s/server app2 app2:8080/server app2 127.0.0.1:${app_ports[1]}/" \
    deploy/haproxy.cfg >"$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)

wait_ready 120

if [ -n "${SCALE_OUT_STATE:-}" ]; then
  printf 'base=%s\nbalancer_port=%s\nredis_port=%s\npg_port=%s\napp_pids=%s\nwork=%s\n' "$base" "$balancer_port" \
    "$redis_port" "$pg_port" "${instance_pids[*]}" "$work" >"$SCALE_OUT_STATE.tmp" && mv "$SCALE_OUT_STATE.tmp" "$SCALE_OUT_STATE"
fi

if [ "${1:-}" != "--check" ]; then
  echo
  echo "Open $base (two instances behind HAProxy; logs in $work). Ctrl-C stops everything."
  wait
  exit 0
fi

step "Connect, sign in as the demo account, Allow, back on the account page"
connect_demo
for _ in 1 2 3 4; do request GET "$base/projects"; expect_page 'Projects'; done
instances=$(sort -u "$work/served-by" | tr '\n' ' ')
[ "$(sort -u "$work/served-by" | wc -l)" -ge 2 ] || fail "one instance answered the whole flow ($instances)"

step "restart both instances"
for i in 0 1; do kill "${instance_pids[$i]}"; wait "${instance_pids[$i]}" 2>/dev/null || true; start_instance "$i"; done
wait_ready 120
request GET "$base/account"
[[ "$url" == "$base/account" ]] || fail "the session did not survive the restart: redirected to $url"
expect_page 'Ada Lovelace'
echo "scale-out check: passed (flow through the balancer answered by $instances; session across a restart of both instances)"
