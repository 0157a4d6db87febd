"""Gives the published template the web app's generic runtime settings, so that the ratios compare apps, not settings.

    python3 bench/same_settings.py WEBAPP.runtimeconfig.json TEMPLATE.runtimeconfig.json

Copies the garbage collector's and the JIT's settings (System.GC.*, System.Runtime.TieredCompilation*,
System.Runtime.TieredPGO) from the web app's runtimeconfig.json into the template's, replacing the template's
own; any other property (globalization, reflection switches) is the app's business and is left alone.
Prints what it applied; bench.py records the same in results.json.
"""

import json
import sys

GENERIC = ("System.GC.", "System.Runtime.TieredCompilation", "System.Runtime.TieredPGO")


def generic(properties):
    return {k: v for k, v in properties.items() if k.startswith(GENERIC)}


def main(source, target):
    with open(source) as app:
        ours = generic(json.load(app)["runtimeOptions"].get("configProperties", {}))
    with open(target) as template:
        document = json.load(template)
    properties = document["runtimeOptions"].setdefault("configProperties", {})
    for key in list(generic(properties)):
        del properties[key]
    properties.update(ours)
    with open(target, "w") as template:
        json.dump(document, template, indent=2)
        template.write("\n")
    print("the template runs with the web app's runtime settings: "
          + (", ".join(f"{k}={v}" for k, v in sorted(ours.items())) or "none (the runtime's defaults)"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
