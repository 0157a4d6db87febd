#!/usr/bin/env bash
# Proves the README's docker commands: builds the image, runs it with a named volume on a free port, walks the
# OAuth flow over HTTP as a browser would (Connect, sandbox sign-in, Allow, callback, account page with Ada
# Lovelace), recreates the container on the same volume and checks the same cookie jar is still signed in.
# Also checks the container's log holds none of the secrets the flow used, and that a run without a volume warns.
# Uses `docker` when an engine answers, else ../shared/tools/docker (podman). Exits non-zero on any failure.
#
#   scripts/docker-smoke.sh                      build and check
#   SMOKE_SKIP_BUILD=1 scripts/docker-smoke.sh   check an image already built as agileplanner
#   SMOKE_LOG=flow.log scripts/docker-smoke.sh   keep the first container's log
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  docker=(docker)
else
  docker=("$root/../shared/tools/docker")
fi
image=${SMOKE_IMAGE:-agileplanner}
run_id=$$
container=agileplanner-smoke-$run_id
volume=agileplanner-smoke-$run_id
work=$(mktemp -d)
jar=$work/cookies.txt
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://localhost:$port

cleanup() {
  "${docker[@]}" rm -f -v "$container" "$container-novolume" >/dev/null 2>&1 || true
  "${docker[@]}" volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# fail, step, request, submit and expect_page: a browser walked with curl and a cookie jar.
. "$root/scripts/curl-browser.sh"

start() {
  # Another port outside than inside (8080), as the README shows: the back channel to the built-in sandbox must cope.
  "${docker[@]}" run -d --name "$container" -p "$port:8080" -v "$volume:/data" "$image" >/dev/null
  for _ in $(seq 1 60); do
    if curl -fsS -m 2 "$base/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  "${docker[@]}" logs "$container" >&2 || true
  fail "the container did not answer /healthz within 60 s"
}

if [ -z "${SMOKE_SKIP_BUILD:-}" ]; then
  step "docker build -t $image ."
  "${docker[@]}" build -t "$image" . >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; fail "docker build"; }
fi

step "docker run -p $port:8080 -v $volume:/data $image"
start

step "Connect: GET /connect, redirected to the sandbox's sign-in"
request GET "$base/connect"
grep -q '/sandbox/oauth/authorize' "$work/visited" || fail "/connect did not go to the authorize endpoint"
expect_page 'type="password"'

step "Sign in as the demo account"
submit --has password --fill email=demo@agileplanner.test --fill password=agile-demo
expect_page 'Allow'

step "Allow on the consent page, back through /callback to the account page"
submit --button Allow
callback=$(grep -m1 '/callback?' "$work/visited") || fail "the provider did not redirect to /callback"
[[ "$url" == "$base/account"* ]] || fail "expected to land on /account, landed on $url"
expect_page 'Ada Lovelace'

step "docker rm -f, then docker run again on the same volume"
"${docker[@]}" logs "$container" >"$work/first.log" 2>&1
"${docker[@]}" rm -f "$container" >/dev/null
start

step "The same cookie jar still shows the account page"
request GET "$base/account"
[[ "$url" == "$base/account" ]] || fail "the session did not survive: redirected to $url"
expect_page 'Ada Lovelace'

step "No secret of the flow in the container's log"
"${docker[@]}" logs "$container" >>"$work/first.log" 2>&1
code=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$callback")
state=$(sed -n 's/.*[?&]state=\([^&]*\).*/\1/p' <<<"$callback")
[ -n "$code" ] && [ -n "$state" ] || fail "no code and state in the callback URL"
secrets=("$code" "$state" agile-demo sandbox-secret-not-for-production)
while read -r value; do secrets+=("$value"); done < <(awk '{ sub(/^#HttpOnly_/, "") } !/^#/ && NF >= 7 && length($7) > 16 { print $7 }' "$jar")
for secret in "${secrets[@]}"; do
  grep -qF -- "$secret" "$work/first.log" && fail "a secret of the flow (${secret:0:4}...) is in the log"
done
grep -q '"RequestPath":"/callback"' "$work/first.log" || fail "the callback request was not logged"
[ -n "${SMOKE_LOG:-}" ] && cp "$work/first.log" "$SMOKE_LOG"

step "Without a volume: it runs, and warns that sessions will not survive"
"${docker[@]}" run -d --name "$container-novolume" "$image" >/dev/null
for _ in $(seq 1 30); do
  "${docker[@]}" logs "$container-novolume" 2>&1 | grep -q 'not a named volume or a bind mount' && break
  sleep 1
done
"${docker[@]}" logs "$container-novolume" 2>&1 | grep -q 'not a named volume or a bind mount' || fail "no warning without a volume"

echo "docker smoke: passed (flow, session across container recreation, clean log, no-volume warning)"
