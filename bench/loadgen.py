"""wrk runs against loopback, bounded in time, read back through the JSON line of wrk/report.lua."""

import json
import os
import statistics
import subprocess

WRK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrk")


class Run:
    def __init__(self, figures):
        self.figures = figures
        seconds = figures["duration_us"] / 1e6
        self.rps = figures["requests"] / seconds if seconds else 0.0
        self.p50_ms = figures["p50_us"] / 1000
        self.p99_ms = figures["p99_us"] / 1000
        self.requests = figures["requests"]
        self.socket_errors = sum(figures[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
        self.non_2xx_3xx = figures["non_2xx_3xx"]
        self.not_200 = figures["not_200"]


def wrk(url, connections, seconds, headers=(), script="report.lua", script_args=()):
    threads = min(connections, 2)
    # Niced, so that on a shared machine the load generator yields to the apps it measures, not the other way.
    command = ["nice", "-n", os.environ.get("BENCH_WRK_NICE", "10"), "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    command += ["-s", os.path.join(WRK_DIR, script), url]
    if script_args:
        command += ["--", *script_args]
    environment = {**os.environ, "BENCH_WRK_DIR": WRK_DIR}
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, env=environment)
    for line in finished.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return Run(json.loads(line[len("BENCH_JSON "):]))
    raise RuntimeError(f"wrk gave no figures ({finished.returncode}): {finished.stderr.strip() or finished.stdout}")


class Series:
    """The runs of one URL at one concurrency; every figure reported is the median over them."""

    def __init__(self, label):
        self.label = label
        self.runs = []

    def add(self, run):
        self.runs.append(run)

    @property
    def rps(self):
        return statistics.median(r.rps for r in self.runs)

    @property
    def p50_ms(self):
        return statistics.median(r.p50_ms for r in self.runs)

    @property
    def p99_ms(self):
        return statistics.median(r.p99_ms for r in self.runs)

    @property
    def failures(self):
        return sum(r.socket_errors + r.not_200 for r in self.runs)

    def to_json(self):
        return {
            "label": self.label,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "failures": self.failures,
            "runs": [r.figures for r in self.runs],
        }
