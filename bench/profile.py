"""The top costs of a page under load: dotnet-trace's CPU samples of the published web app, summarised by topN.

    python3 bench/profile.py [--seconds 8] [--top 40] [--env KEY=VALUE ...] PATH ...

Each PATH (`/`, `/account`) is loaded with wrk at 32 connections (niced, bounded: the trace's seconds plus
warm-up) while `dotnet-trace collect-linux --profile cpu-sampling` records the process; `dotnet-trace report
FILE topN --inclusive` then names the methods on the stack longest. A signed-in session is made for every
path but `/`. The traces stay in bench/out/profile-*.nettrace (with a speedscope copy for a flame view).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from apps import HOST, App
from bench import UNLIMITED
from browser import BROWSER_ACCEPT_ENCODING
from flows import sign_in
from loadgen import wrk

BENCH = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(BENCH, "out")
TOOLS = os.path.expanduser("~/.dotnet/tools")


def tool(name):
    return shutil.which(name) or os.path.join(TOOLS, name)


def profile(app, path, seconds, top, label):
    headers = [f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"]
    if path != "/":
        headers.append(f"Cookie: {sign_in(HOST, app.port).cookie_header}")
    url = f"http://{HOST}:{app.port}{path}"
    wrk(url, 32, 2, headers)
    name = os.path.join(OUT, f"profile-{label}-{path.strip('/') or 'home'}.nettrace")
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
    report = subprocess.run([tool("dotnet-trace"), "report", name, "topN", "-n", str(top), "--inclusive"],
                            capture_output=True, text=True, timeout=300)
    subprocess.run([tool("dotnet-trace"), "convert", name, "--format", "Speedscope"], capture_output=True, timeout=300)
    run = results.get("run")
    print(f"--- {label} {path}: {run.rps:.0f} req/s while traced ({run.not_200 + run.socket_errors} errors), {name}")
    print(report.stdout or report.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--label", default="now")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("paths", nargs="+")
    options = parser.parse_args()
    environment = dict(setting.split("=", 1) for setting in options.env)
    data = tempfile.mkdtemp(prefix="agileplanner-profile-")
    app = App("web app", os.path.join(OUT, "webapp"), "AgilePlanner.WebApp.dll",
              [f"--DataDirectory={data}", *UNLIMITED], environment)
    try:
        app.start()
        app.wait_ready()
        for path in options.paths:
            profile(app, path, options.seconds, options.top, options.label)
    finally:
        app.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
