"""Our `/` against the template's `/` for pairs of runtime settings, all apps up at once and their runs interleaved.

    python3 bench/home_ratio.py [--runs 5] [--seconds 3] LABEL=FOLDER[+SETTING...] ...

Variants are written as for bench/memory.py; the first is the baseline each ratio is taken against. Every
variant is started once and warmed up, then each run loads every variant in turn at 1 and at 32 connections
(wrk, niced, bounded), so drift on a shared machine hits all alike. Prints the median req/s and the ratio to
the first variant, and writes bench/out/home-ratio.json.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile

from apps import HOST
from browser import BROWSER_ACCEPT_ENCODING
from loadgen import wrk
from memory import OUT, Variant


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("variants", nargs="+")
    options = parser.parse_args()
    variants = [Variant(spec) for spec in options.variants]
    data = tempfile.mkdtemp(prefix="agileplanner-home-ratio-")
    headers = [f"Accept-Encoding: {BROWSER_ACCEPT_ENCODING}"]
    apps = []
    rps = {(v.label, c): [] for v in variants for c in (1, 32)}
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    try:
        for variant in variants:
            app = variant.new_app(tempfile.mkdtemp(dir=data)).start()
            apps.append(app)
            app.wait_ready()
        for connections in (1, 32):
            for app in apps:
                wrk(f"http://{HOST}:{app.port}/", connections, options.warmup, headers)
            for run in range(options.runs):
                for variant, app in zip(variants, apps):
                    result = wrk(f"http://{HOST}:{app.port}/", connections, options.seconds, headers)
                    if result.not_200 or result.socket_errors:
                        raise RuntimeError(f"{variant.label}: {result.not_200} not 200, {result.socket_errors} errors")
                    rps[(variant.label, connections)].append(round(result.rps))
                print(f"  c={connections} run {run + 1}/{options.runs}", flush=True)
    finally:
        for app in apps:
            app.stop()
        shutil.rmtree(data, ignore_errors=True)
    baseline = variants[0].label
    rows = []
    for variant in variants:
        row = {"label": variant.label, "folder": variant.folder, "environment": variant.environment}
        for connections in (1, 32):
            median = statistics.median(rps[(variant.label, connections)])
            base = statistics.median(rps[(baseline, connections)])
            row[f"c{connections}_rps"] = median
            row[f"c{connections}_ratio"] = round(median / base, 2)
            row[f"c{connections}_runs"] = rps[(variant.label, connections)]
        rows.append(row)
    document = {"runs": options.runs, "seconds": options.seconds, "load_average_at_end": os.getloadavg(),
                "variants": rows}
    with open(os.path.join(OUT, "home-ratio.json"), "w") as output:
        json.dump(document, output, indent=2)
        output.write("\n")
    print(f"\nmedians of {options.runs} runs of {options.seconds}s on /, ratio over {baseline}")
    for row in rows:
        print(f"  {row['label']:<24} c=1 {row['c1_rps']:>8.0f} req/s ({row['c1_ratio']:.2f})   "
              f"c=32 {row['c32_rps']:>8.0f} req/s ({row['c32_ratio']:.2f})")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
