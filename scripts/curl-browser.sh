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
