"""What the sandbox's Npgsql defaults (PostgreSqlConnectionString: Max Auto Prepare, No Reset On Close) save per API call.

    python3 bench/postgres_settings.py [--runs 3] [--seconds 5] [--rounds 2]

For each setting in turn, in rounds (so that a busy minute of the machine falls on every setting alike), the topology of
scripts/scale-out.sh runs on the app bench/run.sh published; one instance answers `GET /sandbox/api/v1/me` with a bearer
token at 8 connections (its four queries: the token, its application and authorization, the user), and the CPU time of
PostgreSQL's processes and of that instance is divided by the calls answered. Prints medians per setting.
"""

import argparse
import os
import statistics
import sys

import scale
from bench import OUT, scale_settings
from flows import obtain_token
from loadgen import wrk

SETTINGS = {
    "without either": ";Max Auto Prepare=0;No Reset On Close=false",
    "prepared only": ";No Reset On Close=false",
    "both (the default)": "",
}


def instance_url(pid):
    with open(f"/proc/{pid}/environ") as environ:
        urls = next(e for e in environ.read().split("\0") if e.startswith("ASPNETCORE_URLS="))
    return urls.split("=", 1)[1]


def measure(options, runs, seconds):
    settings = {**scale_settings(), "SCALE_OUT_SANDBOX_OPTIONS": options}
    with scale.Topology(os.path.join(OUT, "webapp"), settings) as topology:
        instance = topology.pids[0]
        url = instance_url(instance) + "/sandbox/api/v1/me"
        headers = [f"Authorization: Bearer {obtain_token('localhost', topology.port)}", f"Host: localhost:{topology.port}"]
        wrk(url, 8, 10, headers)
        # PostgreSQL starts a process per connection: counted once the warm-up has opened them.
        postgres = topology.processes()["postgres"]
        figures = []
        for _ in range(runs):
            before = scale.cpu_seconds(postgres), scale.cpu_seconds([instance])
            run = wrk(url, 8, seconds, headers)
            after = scale.cpu_seconds(postgres), scale.cpu_seconds([instance])
            calls = max(run.requests, 1)
            figures.append((run.rps, 1000 * (after[0] - before[0]) / calls, 1000 * (after[1] - before[1]) / calls,
                            run.socket_errors + run.not_200))
        return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if missing := scale.missing_servers():
        sys.exit(f"needs {missing}")
    results = {name: [] for name in SETTINGS}
    for _ in range(args.rounds):
        for name, options in SETTINGS.items():
            results[name] += measure(options, args.runs, args.seconds)
    print(f"{'setting':<20} {'calls/s':>8} {'PostgreSQL ms/call':>19} {'instance ms/call':>17} failures")
    for name, figures in results.items():
        rps, postgres, instance, failures = zip(*figures)
        print(f"{name:<20} {statistics.median(rps):>8.0f} {statistics.median(postgres):>19.2f} "
              f"{statistics.median(instance):>17.2f} {sum(failures)}")


if __name__ == "__main__":
    main()
