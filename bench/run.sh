#!/usr/bin/env bash
# One command for every benchmark figure: publish in Release, start the apps on loopback, measure, report.
# Usage: bench/run.sh [--quick]    (durations: see the BENCH_* variables below and the README)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

if [[ "${1:-}" == "--quick" ]]; then
  # A smoke run for development: every figure, far fewer and shorter runs (not for reporting).
  : "${BENCH_RUNS:=3}" "${BENCH_DURATION:=1}" "${BENCH_WARMUP:=1}" "${BENCH_FRESH_WARMUP:=6}" "${BENCH_MEMORY_SECONDS:=6}"
  : "${BENCH_LOAD_SECONDS:=4}" "${BENCH_COLD_STARTS:=3}" "${BENCH_SIGNINS:=3}" "${BENCH_SESSIONS:=16}"
  : "${BENCH_RACE_SECONDS:=20}" "${BENCH_RACE_SESSIONS:=8}"
  export BENCH_MODE=quick
elif [[ -n "${1:-}" ]]; then
  echo "usage: bench/run.sh [--quick]" >&2
  exit 2
fi
export BENCH_RUNS=${BENCH_RUNS:-5}                      # runs per figure; each figure is their median
export BENCH_DURATION=${BENCH_DURATION:-3}              # seconds per wrk run
export BENCH_WARMUP=${BENCH_WARMUP:-2}                  # seconds of load on each URL before its runs
export BENCH_FRESH_WARMUP=${BENCH_FRESH_WARMUP:-120}    # seconds of load on a process started for one figure (issue 16's), so its JIT settles first
export BENCH_MEMORY_SECONDS=${BENCH_MEMORY_SECONDS:-60} # seconds at 32 connections for the memory figure
export BENCH_LOAD_SECONDS=${BENCH_LOAD_SECONDS:-30}     # seconds of the many-sessions load
export BENCH_SESSIONS=${BENCH_SESSIONS:-64}             # signed-in sessions in that load
export BENCH_COLD_STARTS=${BENCH_COLD_STARTS:-5}        # cold starts of each app
export BENCH_SIGNINS=${BENCH_SIGNINS:-10}               # sign-ins per run of the sign-in figure
export BENCH_RACE_SECONDS=${BENCH_RACE_SECONDS:-60}     # seconds of the refresh race through the balancer (issue 16)
export BENCH_RACE_SESSIONS=${BENCH_RACE_SESSIONS:-64}   # sessions in it, each with 15 s access tokens
# BENCH_SCALE=0 leaves out the two-instance figures (they need redis-server, postgresql and haproxy, and root).
export BENCH_MODE=${BENCH_MODE:-full}
# BENCH_APP_ARGS: extra arguments for the web app (configuration such as --FlowInspector:MaxSteps=5).
# Extra `dotnet publish` arguments for both apps alike, to try a build setting (e.g. -p:PublishReadyToRun=true).
read -r -a publish_args <<<"${BENCH_PUBLISH_ARGS:-}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# wrk from Debian's packages: the load generator for every throughput and latency figure.
if ! command -v wrk >/dev/null; then
  echo "installing wrk"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v python3 >/dev/null || { echo "bench needs python3" >&2; exit 1; }

out=bench/out
mkdir -p "$out"

if [[ -n "${BENCH_NO_PUBLISH:-}" && -d "$out/webapp" && -d "$out/template" ]]; then
  echo "reusing the apps published in $out (BENCH_NO_PUBLISH)"
  export BENCH_STARTED=$started
  exec python3 bench/bench.py
fi

echo "publishing the web app (Release) to $out/webapp"
dotnet publish AgilePlanner.WebApp/AgilePlanner.WebApp.csproj -c Release -o "$out/webapp" --nologo -v quiet \
  --use-current-runtime --self-contained false "${publish_args[@]}" \
  >"$out/publish-webapp.log" 2>&1 || { cat "$out/publish-webapp.log"; exit 1; }

# The baseline app: `dotnet new mvc`, generated outside the repo so none of the repo's build settings apply.
template_src=$(mktemp -d)
trap 'rm -rf "$template_src"' EXIT
echo "generating and publishing the dotnet new mvc template (Release) to $out/template"
dotnet new mvc -o "$template_src/TemplateApp" --no-restore >"$out/publish-template.log" 2>&1 \
  || { cat "$out/publish-template.log"; exit 1; }
cp global.json "$template_src/"
dotnet publish "$template_src/TemplateApp/TemplateApp.csproj" -c Release -o "$out/template" --nologo -v quiet \
  --use-current-runtime --self-contained false "${publish_args[@]}" \
  >>"$out/publish-template.log" 2>&1 || { cat "$out/publish-template.log"; exit 1; }
# A fair baseline runs with the same generic runtime settings (garbage collector, JIT) as the web app ships;
# BENCH_TEMPLATE_DEFAULTS=1 keeps the template's own, as `dotnet new mvc` makes it.
if [[ -z "${BENCH_TEMPLATE_DEFAULTS:-}" ]]; then
  python3 bench/same_settings.py "$out/webapp/AgilePlanner.WebApp.runtimeconfig.json" "$out/template/TemplateApp.runtimeconfig.json"
fi

export BENCH_STARTED=$started
exec python3 bench/bench.py
