"""How much memory the log queue can hold: the web app's console left unread until the console sink's queue is full.

    python3 bench/logbuffer.py [--seconds 8] [--runs 3] [BUFFER_SIZE ...]

For each queue size (the BufferedConsole sink's queueLimit; 10000 as shipped when none is given) the web app is
started twice, its console drained and not, and `/` is loaded at 32 connections for the same time (wrk, niced,
bounded). With the console unread the pipe fills, the sink's writer blocks on its write, the queue fills and
then requests wait for room. dotnet-gcdump (a full, blocking GC) then counts what the heap holds:
the LogEvent objects waiting and everything they keep. Prints the live heap both ways and the difference.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from apps import HOST, App
from bench import UNLIMITED
from browser import BROWSER_ACCEPT_ENCODING
from loadgen import wrk

BENCH = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(BENCH, "out")
TOOLS = os.path.expanduser("~/.dotnet/tools")


def gcdump(pid, folder):
    """Live heap bytes in all and the few types the log queue is made of, from a dotnet-gcdump report."""
    tool = shutil.which("dotnet-gcdump") or os.path.join(TOOLS, "dotnet-gcdump")
    dump = os.path.join(folder, f"{pid}.gcdump")
    subprocess.run([tool, "collect", "-p", str(pid), "-o", dump], capture_output=True, timeout=120, check=True)
    report = subprocess.run([tool, "report", dump], capture_output=True, text=True, timeout=120, check=True).stdout
    total, log_events, log_types = 0, 0, 0
    # Lines: "<bytes>  GC Heap bytes" first, then "<bytes>  <count>  <type> [assembly]", one a type and size class.
    for line in report.splitlines():
        match = re.match(r"\s*([\d,]+)\s+([\d,]+)?\s*(.*)$", line)
        if not match:
            continue
        size = int(match.group(1).replace(",", ""))
        kind = match.group(3).strip()
        if kind == "GC Heap bytes":
            total = size
        elif kind.startswith("Serilog."):
            log_types += size
            if kind.startswith("Serilog.Events.LogEvent "):
                log_events += int((match.group(2) or "0").replace(",", ""))
    return {"heap_mb": round(total / 1048576, 1), "serilog_types_mb": round(log_types / 1048576, 1),
            "log_events": log_events}


def measure(buffer_size, drained, seconds, folder):
    data = tempfile.mkdtemp(prefix="agileplanner-logbuffer-", dir=folder)
    arguments = [f"--DataDirectory={data}", *UNLIMITED, f"--Serilog:WriteTo:Console:Args:queueLimit={buffer_size}"]
    app = App("web app", os.path.join(OUT, "webapp"), "AgilePlanner.WebApp.dll", arguments, drain=drained)
    try:
        app.start()
        app.wait_ready()
        run = wrk(f"http://{HOST}:{app.port}/", 32, seconds, [f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"])
        time.sleep(1)
        figures = {"requests": run.requests, "socket_errors": run.socket_errors, "rss_mb": round(app.rss_mb(), 1)}
        figures.update(gcdump(app.process.pid, folder))
        return figures
    finally:
        if not drained:
            # Read the console now, so the app can write what it holds and stop like any other.
            threading.Thread(target=app._drain, daemon=True).start()
        app.stop()
        shutil.rmtree(data, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("sizes", nargs="*", type=int, default=[10000])
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="agileplanner-logbuffer-")
    try:
        for size in options.sizes:
            rows = {True: [], False: []}
            for _ in range(options.runs):
                for drained in (True, False):
                    rows[drained].append(measure(size, drained, options.seconds, folder))
            pick = lambda drained, key: statistics.median(r[key] for r in rows[drained])
            print(f"queueLimit {size}, medians of {options.runs} runs, {options.seconds}s of / at 32 connections")
            for drained in (True, False):
                print(f"  console {'read  ' if drained else 'unread'}: {pick(drained, 'requests'):>8.0f} requests, "
                      f"live heap {pick(drained, 'heap_mb')} MB, Serilog objects {pick(drained, 'serilog_types_mb')} MB "
                      f"({pick(drained, 'log_events'):.0f} LogEvent), RSS {pick(drained, 'rss_mb')} MB")
            held = pick(False, "heap_mb") - pick(True, "heap_mb")
            events = (pick(False, "log_events") - pick(True, "log_events")) or 1
            print(f"  the waiting events hold {held:.1f} MB of heap, {held * 1048576 / events:.0f} B each")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
