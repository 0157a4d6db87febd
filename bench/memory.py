"""Where the memory goes: RSS split by what holds it, and the runtime's own counters, one setting at a time.

    python3 bench/memory.py [--runs 3] [--seconds 20] [--load home|pages] LABEL=APP[+SETTING...] ...

APP is a folder of bench/out (webapp, template, or another publish of either). Each SETTING is an environment
variable (DOTNET_GCgen0size=0x1000000) or a configuration argument for the app (--Sandbox:Enabled=false).
Every variant is started fresh in every run, runs are interleaved so that other work on this shared machine
hits every variant alike, and each figure is the median of the runs. The load is wrk at 32 connections
(niced, bounded in time): `home` is `/` as a browser asks for it (what the template gets in bench/run.sh),
`pages` is the signed-in pages of bench/run.sh's memory figure (the web app with its sandbox only).
Prints a table and writes bench/out/memory.json.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from apps import HOST, App
from bench import UNLIMITED
from browser import BROWSER_ACCEPT_ENCODING
from flows import obtain_token, sign_in
from loadgen import wrk

BENCH = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(BENCH, "out")
TOOLS = os.path.expanduser("~/.dotnet/tools")
ASSEMBLIES = {"webapp": "AgilePlanner.WebApp.dll", "template": "TemplateApp.dll"}
# What the counters say about the managed side (System.Runtime meter of .NET 9 and later).
COUNTERS = {
    "dotnet.gc.last_collection.heap.size": "gc_heap_mb",
    "dotnet.gc.last_collection.memory.committed_size": "gc_committed_mb",
    "dotnet.gc.last_collection.heap.fragmentation.size": "gc_fragmentation_mb",
    "dotnet.process.memory.working_set": "working_set_mb",
    "dotnet.assembly.count": "assemblies",
}
# (The JIT's counters are rates per second, nothing once the load is over: compiled code is read from smaps.)


class Variant:
    def __init__(self, spec):
        label, _, rest = spec.partition("=")
        parts = rest.split("+")
        self.label = label
        self.folder = parts[0]
        self.environment = {}
        self.arguments = []
        for setting in parts[1:]:
            if setting.startswith("--"):
                self.arguments.append(setting)
            else:
                key, _, value = setting.partition("=")
                self.environment[key] = value
        kind = "template" if self.folder.startswith("template") else "webapp"
        self.assembly = ASSEMBLIES[kind]
        self.is_webapp = kind == "webapp"
        self.runs = []

    def new_app(self, data):
        arguments = list(self.arguments)
        if self.is_webapp:
            arguments = [f"--DataDirectory={data}", *UNLIMITED, *arguments]
        return App(self.label, os.path.join(OUT, self.folder), self.assembly, arguments, self.environment)

    @property
    def sandbox_on(self):
        return self.is_webapp and "--Sandbox:Enabled=false" not in self.arguments


def smaps(pid):
    """Resident kB by what the mapping is: managed images, native libraries, anonymous memory, the rest."""
    groups, images = {}, {}
    name, rss = None, 0

    def close():
        if name is None:
            return
        if name.endswith(".dll"):
            group = "dll images"
            images[os.path.basename(name)] = images.get(os.path.basename(name), 0) + rss
        elif ".so" in os.path.basename(name):
            group = "native libraries"
        elif "doublemapper" in name:
            group = "code (W^X double map)"
        elif name in ("", "[anon]"):
            group = "anonymous"
        elif name == "[heap]":
            group = "native heap"
        else:
            group = "other"
        groups[group] = groups.get(group, 0) + rss

    header = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")
    with open(f"/proc/{pid}/smaps") as lines:
        for line in lines:
            if header.match(line):
                close()
                fields = line.split(None, 5)
                name, rss = (fields[5].strip() if len(fields) > 5 else ""), 0
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    close()
    return groups, images


def rollup(pid):
    figures = {}
    with open(f"/proc/{pid}/smaps_rollup") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                figures[parts[0].rstrip(":")] = int(parts[1])
    return figures


def counters(pid, seconds=3):
    """One short dotnet-counters collection; the last value of each counter we read (None without the tool)."""
    tool = shutil.which("dotnet-counters") or os.path.join(TOOLS, "dotnet-counters")
    if not os.path.exists(tool):
        return None
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "counters.json")
        subprocess.run(
            [tool, "collect", "-p", str(pid), "--counters", "System.Runtime", "--format", "json",
             "--refresh-interval", "1", "--duration", f"00:00:00:{seconds:02d}", "-o", output],
            capture_output=True, timeout=seconds + 30,
        )
        if not os.path.exists(output):
            return None
        with open(output) as data:
            text = data.read()
    # A collection stopped by --duration may leave the JSON array open.
    text = text.strip().rstrip(",")
    if not text.endswith("]}"):
        text += "]}"
    try:
        events = json.loads(text)["Events"]
    except (ValueError, KeyError):
        return None
    found = {}
    for event in events:
        name = event.get("name", "").split(" (")[0]
        key = COUNTERS.get(name)
        if key is None:
            continue
        tags = event.get("tags", "")
        value = float(event.get("value", 0))
        if name in ("dotnet.gc.last_collection.heap.size", "dotnet.gc.last_collection.heap.fragmentation.size"):
            # One series a generation: the total is their sum, taken from the latest sample of each.
            found.setdefault(key + "_by", {})[tags] = value
        else:
            found[key] = value
    for key in ("gc_heap_mb", "gc_fragmentation_mb"):
        parts = found.pop(key + "_by", None)
        if parts:
            found[key] = sum(parts.values())
    for key in list(found):
        if key.endswith("_mb"):
            found[key] = round(found[key] / 1048576, 1)
    return found


def load(variant, app, seconds):
    """wrk at 32 connections on the variant's load; returns its run."""
    web = f"http://{HOST}:{app.port}"
    browser = f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"
    if LOAD == "pages" and variant.sandbox_on:
        session = sign_in(HOST, app.port)
        token = obtain_token(HOST, app.port)
        project = first_project(app.port, token)
        cookies = os.path.join(DATA, f"cookies-{app.port}.txt")
        with open(cookies, "w") as listing:
            listing.write(session.cookie_header + "\n")
        wrk(web + "/account", 32, WARMUP, [browser], "sessions.lua", [cookies, "/account", project])
        return wrk(web + "/account", 32, seconds, [browser], "sessions.lua", [cookies, "/account", project])
    wrk(web + "/", 32, WARMUP, [browser])
    return wrk(web + "/", 32, seconds, [browser])


def first_project(port, token):
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", "/sandbox/api/v1/projects", headers={"Authorization": f"Bearer {token}"})
        items = json.loads(connection.getresponse().read())["items"]
    finally:
        connection.close()
    return f"/projects/{items[0]['id']}"


def measure(variant, seconds):
    data = tempfile.mkdtemp(prefix="agileplanner-memory-", dir=DATA)
    app = variant.new_app(data)
    try:
        app.start()
        start_ms = app.wait_ready() * 1000
        rss_ready = app.rss_mb()
        run = load(variant, app, seconds)
        time.sleep(1)
        pid = app.process.pid
        figures = {
            "ready_ms": round(start_ms),
            "rss_ready_mb": round(rss_ready, 1),
            "rss_mb": round(app.rss_mb(), 1),
            "rps": round(run.rps),
            "errors": run.not_200 + run.socket_errors,
        }
        summary = rollup(pid)
        figures["anonymous_mb"] = round(summary.get("Anonymous", 0) / 1024, 1)
        figures["file_mb"] = round((summary.get("Rss", 0) - summary.get("Anonymous", 0)) / 1024, 1)
        groups, images = smaps(pid)
        figures["groups_mb"] = {k: round(v / 1024, 1) for k, v in sorted(groups.items(), key=lambda i: -i[1])}
        figures["top_images_mb"] = {k: round(v / 1024, 1) for k, v in sorted(images.items(), key=lambda i: -i[1])[:12]}
        # The counters' own session costs the process a little memory, so RSS is read before it attaches.
        figures["counters"] = counters(pid)
        return figures
    finally:
        app.stop()
        shutil.rmtree(data, ignore_errors=True)


def median_of(runs, key, sub=None):
    values = [(r[sub] or {}).get(key) if sub else r.get(key) for r in runs]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    global LOAD, WARMUP, DATA
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--load", choices=("home", "pages"), default="home")
    parser.add_argument("--output", default=os.path.join(OUT, "memory.json"))
    parser.add_argument("variants", nargs="+")
    options = parser.parse_args()
    LOAD, WARMUP = options.load, options.warmup
    DATA = tempfile.mkdtemp(prefix="agileplanner-memory-")
    variants = [Variant(spec) for spec in options.variants]
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    try:
        for run in range(options.runs):
            for variant in variants:
                variant.runs.append(measure(variant, options.seconds))
                last = variant.runs[-1]
                print(f"  run {run + 1} {variant.label}: RSS {last['rss_mb']} MB, {last['rps']} req/s, "
                      f"{last['errors']} errors", flush=True)
    finally:
        shutil.rmtree(DATA, ignore_errors=True)
    baseline = variants[0]
    rows = []
    for variant in variants:
        runs = variant.runs
        row = {
            "label": variant.label,
            "folder": variant.folder,
            "environment": variant.environment,
            "arguments": variant.arguments,
            "rss_mb": median_of(runs, "rss_mb"),
            "rss_ready_mb": median_of(runs, "rss_ready_mb"),
            "anonymous_mb": median_of(runs, "anonymous_mb"),
            "file_mb": median_of(runs, "file_mb"),
            "rps": median_of(runs, "rps"),
            "ready_ms": median_of(runs, "ready_ms"),
            "counters": {k: median_of(runs, k, "counters") for k in COUNTERS.values()},
            "groups_mb": {k: median_of([r["groups_mb"] for r in runs], k) for k in runs[0]["groups_mb"]},
            "top_images_mb": runs[-1]["top_images_mb"],
            "runs": runs,
        }
        row["rss_over_first"] = round(row["rss_mb"] / baseline_rss(baseline), 2)
        rows.append(row)
    document = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load": options.load,
        "seconds": options.seconds,
        "runs": options.runs,
        "load_average_at_end": os.getloadavg(),
        "variants": rows,
    }
    with open(options.output, "w") as output:
        json.dump(document, output, indent=2)
        output.write("\n")
    print_table(rows, options)
    print(f"written: {os.path.relpath(options.output, os.path.dirname(BENCH))}")


def baseline_rss(variant):
    return statistics.median(r["rss_mb"] for r in variant.runs)


def print_table(rows, options):
    print(f"\nmedians of {options.runs} runs, {options.seconds}s at 32 connections on {options.load}; "
          f"ratio over {rows[0]['label']}")
    header = ("variant", "RSS MB", "ratio", "at ready", "anon", "file", "GC heap", "GC commit", "asm", "req/s")
    lines = [header]
    for row in rows:
        c = row["counters"]
        lines.append((row["label"], row["rss_mb"], row["rss_over_first"], row["rss_ready_mb"], row["anonymous_mb"],
                      row["file_mb"], c.get("gc_heap_mb"), c.get("gc_committed_mb"), c.get("assemblies"), row["rps"]))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
    for row in rows:
        print(f"  {row['label']}: " + ", ".join(f"{k} {v}" for k, v in row["groups_mb"].items()))


if __name__ == "__main__":
    sys.exit(main())
