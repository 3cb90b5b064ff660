"""Benchmark of a single profile's start-up against the libraries it cannot avoid.

Prints, on the machine it runs on, the median of three runs (interleaved, so that a busy moment
hits both alike) of:
- `python -c "import pandas, pyarrow.parquet"`: the floor every dwk command that reads the store
  pays;
- `dwk profile build 09162000` (München, a Gemeinde) into a temporary folder, end to end;
- `dwk --help`;
and the ratio of the profile to the floor (issue 16 asks for at most 2). The store must be built
already (run any dwk command once).

Run: .venv/bin/python benchmarks/startup.py [--runs 3] [--area 09162000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DWK = str(Path(sys.executable).with_name("dwk"))


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--area", default="09162000")
    args = parser.parse_args()
    floor, profile, helps = [], [], []
    with tempfile.TemporaryDirectory() as out:
        _time([DWK, "profile", "build", args.area, "--out", out])  # warm the caches once
        for _ in range(args.runs):
            floor.append(_time([sys.executable, "-c", "import pandas, pyarrow.parquet"]))
            profile.append(_time([DWK, "profile", "build", args.area, "--out", out]))
            helps.append(_time([DWK, "--help"]))
    f, p, h = (statistics.median(x) for x in (floor, profile, helps))
    print(f"import pandas, pyarrow.parquet   {f:6.3f} s  (median of {args.runs})")
    print(f"dwk profile build {args.area:<14} {p:6.3f} s  = {p / f:.2f} × the imports")
    print(f"dwk --help                       {h:6.3f} s")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # an editable install then compiles dwk's ~120 modules at every start (~0.1 s more)
        print("PYTHONDONTWRITEBYTECODE is set: dwk's modules are compiled at every run")
    print(f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows both)")


if __name__ == "__main__":
    main()
