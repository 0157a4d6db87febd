"""The top costs of a page under load: dotnet-trace's CPU samples of the published web app, summarised by topN.

    python3 bench/profile.py [--seconds 8] [--warmup 2] [--top 40] [--env KEY=VALUE ...] PATH ...

Each PATH (`/`, `/account`, `/projects/{project}`: the first demo project) is loaded with wrk at 32 connections (niced, bounded: the trace's seconds plus
warm-up; `--warmup 20` lets the JIT finish its tiers first, so the trace shows the steady state) while `dotnet-trace collect-linux --profile cpu-sampling` records the process; `dotnet-trace report
FILE topN --inclusive` then names the methods on the stack longest (printed without the kernel's, the C
library's and the async plumbing's frames; precompiled code shows as its module, `agileplanner.webapp!?`). `--report FILE...` summarises old traces. A signed-in session is made for every
path but `/`. The traces stay in bench/out/profile-*.nettrace (with a speedscope copy for a flame view).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

from apps import HOST, App
from bench import UNLIMITED
from browser import BROWSER_ACCEPT_ENCODING
from flows import obtain_token, sign_in
from loadgen import wrk

BENCH = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(BENCH, "out")
TOOLS = os.path.expanduser("~/.dotnet/tools")


def tool(name):
    return shutil.which(name) or os.path.join(TOOLS, name)


# Frames that say nothing about where a page's time goes: the kernel, the C library, frames with no module, and
# the async and thread-pool plumbing every request runs through. ReadyToRun code shows as its module (`name!?`).
PLUMBING = ("vmlinux!", "libc.so", "MethodBuilder", "ExecutionContext", "ThreadPool", "Thread::Start",
            "Threads", "Non-Activities", "EventData", "EventName", "start_thread", "clone3", "Tasks.Task::",
            "AwaitTaskContinuation", "IThreadPoolWorkItem")


def named(report, count):
    """The first `count` lines of a topN report that name a method of the app or of a library."""
    lines = [line for line in report.splitlines()
             if line.strip() and not any(p in line for p in PLUMBING) and not re.match(r"\s*\d+\.\s+!\?\s", line)]
    return "\n".join(lines[: count + 1])


def report(name, top):
    listing = subprocess.run([tool("dotnet-trace"), "report", name, "topN", "-n", "400", "--inclusive"],
                             capture_output=True, text=True, timeout=300)
    return named(listing.stdout, top) if listing.returncode == 0 else listing.stderr


def profile(app, path, seconds, top, label, warmup):
    headers = [f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"]
    if path != "/":
        headers.append(f"Cookie: {sign_in(HOST, app.port).cookie_header}")
    url = f"http://{HOST}:{app.port}{path}"
    wrk(url, 32, warmup, headers)
    name = os.path.join(OUT, f"profile-{label}-{path.strip('/').replace('/', '-') or 'home'}.nettrace")
    results = {}
    load = threading.Thread(target=lambda: results.setdefault("run", wrk(url, 32, seconds + 3, headers)))
    load.start()
    try:
        subprocess.run(
            [tool("dotnet-trace"), "collect-linux", "-p", str(app.process.pid), "--profile", "cpu-sampling",
             "--duration", f"00:00:00:{seconds:02d}", "-o", name],
            capture_output=True, text=True, timeout=seconds + 120, check=True,
        )
    finally:
        load.join()
    summary = report(name, top)
    subprocess.run([tool("dotnet-trace"), "convert", name, "--format", "Speedscope"], capture_output=True, timeout=300)
    run = results.get("run")
    print(f"--- {label} {path}: {run.rps:.0f} req/s while traced ({run.not_200 + run.socket_errors} errors), {name}")
    print(summary)


def first_project(port):
    """The id of the demo account's first project (a path may say {project}), through the sandbox's API."""
    token = obtain_token(HOST, port)
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", "/sandbox/api/v1/projects", headers={"Authorization": f"Bearer {token}"})
        return str(json.loads(connection.getresponse().read())["items"][0]["id"])
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load on each path before the trace starts")
    parser.add_argument("--label", default="now")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--app", default="webapp", help="the published app's folder under bench/out (webapp-jit: without ReadyToRun, so every frame is named)")
    parser.add_argument("--report", action="store_true", help="summarise the given .nettrace files instead")
    parser.add_argument("paths", nargs="+")
    options = parser.parse_args()
    if options.report:
        for name in options.paths:
            print(f"--- {name}\n{report(name, options.top)}")
        return 0
    environment = dict(setting.split("=", 1) for setting in options.env)
    data = tempfile.mkdtemp(prefix="agileplanner-profile-")
    app = App("web app", os.path.join(OUT, options.app), "AgilePlanner.WebApp.dll",
              [f"--DataDirectory={data}", *UNLIMITED], environment)
    try:
        app.start()
        app.wait_ready()
        for path in options.paths:
            if "{project}" in path:
                path = path.replace("{project}", first_project(app.port))
            profile(app, path, options.seconds, options.top, options.label, options.warmup)
    finally:
        app.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
