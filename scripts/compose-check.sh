#!/usr/bin/env bash
# Proves the README's `docker compose up`: the balancer, two app instances, Redis and PostgreSQL from compose.yaml, then the
# OAuth flow through the one address as a browser would (Connect, sandbox sign-in, Allow, callback, the account page),
# answered by both instances; then both instances restarted and the same cookie jar still signed in, the demo data once,
# and no instance warning that its data dies with its container.
# Uses `docker compose` when an engine answers. Otherwise podman: podman-compose from Debian, the app image built with
# ../shared/tools/docker, and stand-ins for the redis, postgres and haproxy images built from Debian's packages
# (scripts/compose-standins), for a machine that reaches no container registry. Always takes the topology down again.
#
#   scripts/compose-check.sh                      build and check
#   CHECK_SKIP_BUILD=1 scripts/compose-check.sh   use the images already built
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
jar=$work/cookies.txt
base=http://localhost:8080
. "$root/scripts/curl-browser.sh"

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  compose=(docker compose)
  build() { docker compose build; }
else
  command -v podman-compose >/dev/null || fail "neither a Docker engine nor podman-compose (apt-get install podman-compose)"
  compose=(podman-compose --podman-args="--runtime runc"
    --podman-run-args="--ulimit nofile=$(ulimit -Hn):$(ulimit -Hn) --ulimit nproc=32768:32768")
  build() {
    "$root/../shared/tools/docker" build -t agileplanner . >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; fail "image build"; }
    for image in redis:7 haproxy:2.8 postgres:15; do
      podman image exists "docker.io/library/$image" && continue
      podman build --isolation=chroot --network=host --pull=never -q -t "docker.io/library/$image" \
        -f "scripts/compose-standins/Containerfile.${image%%:*}" scripts/compose-standins >/dev/null
    done
  }
fi
show_logs() { "${compose[@]}" logs >&2 || true; }
instances_alive() { true; }
down() { "${compose[@]}" down -v >"$work/down.log" 2>&1 || true; rm -rf "$work"; }
trap down EXIT


if [ -z "${CHECK_SKIP_BUILD:-}" ]; then
  step "build the images"
  build
fi

step "${compose[*]} up -d"
"${compose[@]}" up -d --no-build >"$work/up.log" 2>&1 || { tail -30 "$work/up.log" >&2; fail "compose up"; }
wait_ready 120

step "Connect, sign in as the demo account, Allow, back on the account page"
connect_demo
for _ in 1 2 3 4; do request GET "$base/projects"; expect_page 'Projects'; done
instances=$(sort -u "$work/served-by" | tr '\n' ' ')
[ "$(sort -u "$work/served-by" | wc -l)" -ge 2 ] || fail "one instance answered the whole flow ($instances)"

step "restart both app instances"
"${compose[@]}" restart app1 app2 >"$work/restart.log" 2>&1 || { tail -20 "$work/restart.log" >&2; fail "restart"; }
wait_ready 120

step "The same cookie jar still shows the account page, and the demo account exists once"
request GET "$base/account"
[[ "$url" == "$base/account" ]] || fail "the session did not survive the restart: redirected to $url"
expect_page 'Ada Lovelace'
count_demo="select count(*) from \"AspNetUsers\" where \"NormalizedEmail\" = 'DEMO@AGILEPLANNER.TEST'"
accounts=$("${compose[@]}" exec -T -e PGPASSWORD=agileplanner postgres psql -U agileplanner -d sandbox -tAc "$count_demo" 2>/dev/null \
  | tr -d '[:blank:]' | grep -xE '[0-9]+' | tail -1)
[ "$accounts" = 1 ] || fail "the demo account is there $accounts times"

step "No instance warns that its data dies with its container: the keys are in Redis, the sandbox in PostgreSQL"
"${compose[@]}" logs app1 app2 >"$work/apps.log" 2>&1 || true
grep -q 'Sandbox ready' "$work/apps.log" || fail "the instances' logs could not be read"
grep -q 'not a named volume' "$work/apps.log" && fail "an instance warns about its data directory"

echo "compose check: passed (flow through the balancer answered by $instances; session and data across a restart of both instances)"
