# Sourced by the scripts that walk the OAuth flow as a browser would, with curl and a cookie jar.
# Needs: $root (the repository), $work (a temporary folder) and $jar (the cookie jar file).
# After each request: the final page in $work/page.html, its URL in $url, its status in $status, every URL visited
# appended to $work/visited and, when a balancer names the instance (X-Served-By), that name appended to $work/served-by.

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

# GET (or POST with a body) and follow redirects one by one with the cookie jar, as a browser does;
# leaves the final page in $work/page.html, its URL in $url and every URL visited in $work/visited.
request() {
  local method=$1 target=$2 body=${3:-}
  url=$target
  local args=(-sS -m 15 -b "$jar" -c "$jar" -o "$work/page.html" -D "$work/headers" -w '%{http_code} %{redirect_url}')
  local answer
  if [ "$method" = POST ]; then
    answer=$(curl "${args[@]}" -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$body" "$url")
  else
    answer=$(curl "${args[@]}" "$url")
  fi
  echo "$url" >>"$work/visited"
  served_by
  for _ in $(seq 1 10); do
    status=${answer%% *}
    local next=${answer#* }
    case "$status" in
      301|302|303|307|308) ;;
      *) return 0 ;;
    esac
    [ -n "$next" ] || fail "$status from $url without a Location"
    url=$next
    echo "$url" >>"$work/visited"
    answer=$(curl "${args[@]}" "$url")
    served_by
  done
  fail "too many redirects from $target"
}

submit() {
  local form
  form=$(python3 "$root/scripts/html_form.py" "$work/page.html" "$url" "$@") || fail "no form to submit at $url"
  request POST "$(sed -n 1p <<<"$form")" "$(sed -n 2p <<<"$form")"
}

expect_page() {
  [ "$status" = 200 ] || fail "expected 200 at $url, got $status"
  grep -q "$1" "$work/page.html" || { sed -e 's/<[^>]*>//g' "$work/page.html" | grep -v '^\s*$' | head -20 >&2; fail "'$1' not on $url"; }
}

served_by() {
  tr -d '\r' <"$work/headers" | sed -n 's/^[Xx]-[Ss]erved-[Bb]y: //p' >>"$work/served-by"
}

# Connect, the sandbox's sign-in with the demo account, Allow, back through /callback: the account page with the demo user.
connect_demo() {
  request GET "$base/connect"
  expect_page 'type="password"'
  submit --has password --fill email=demo@agileplanner.test --fill password=agile-demo
  expect_page 'Allow'
  submit --button Allow
  grep -q '/callback?' "$work/visited" || fail "the provider did not redirect to /callback"
  [[ "$url" == "$base/account"* ]] || fail "expected to land on /account, landed on $url"
  expect_page 'Ada Lovelace'
}

# Until both instances behind the balancer at $base answer /readyz (X-Served-By names each), or $1 seconds; then the
# caller's show_logs and a failure.
wait_ready() {
  : >"$work/ready-by"
  for _ in $(seq 1 "$1"); do
    if curl -fsS -m 3 -D "$work/ready-headers" -o /dev/null "$base/readyz" 2>/dev/null; then
      tr -d '\r' <"$work/ready-headers" | sed -n 's/^[Xx]-[Ss]erved-[Bb]y: //p' >>"$work/ready-by"
      [ "$(sort -u "$work/ready-by" | wc -l)" -ge 2 ] && return 0
    fi
    instances_alive || break
    sleep 1
  done
  show_logs
  fail "both instances were not ready behind $base within $1 s, or one stopped"
}
