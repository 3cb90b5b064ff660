"""Benchmark of profile building at national scale, as a user runs it (the `dwk` CLI).

Prints, on the machine it runs on: CLI start-up (`dwk --help`, median of five), one profile end
to end (median of three), the nine DWK members, every Kreis and every Gemeinde with `--jobs`
workers (or, with `--sample-land KEY`, the Gemeinden of one Land with the
total extrapolated by the number of Gemeinden), indicators for every area of Germany in one call,
CPU time per profile, peak memory of the process tree (sampled from /proc every 50 ms), and
the ratio against the naive way: one `dwk profile build KEY` process per area, timed for a
sample of areas and extrapolated. Every run writes to a temporary folder; the store must be
built already (run any dwk command once). With `--cold` the Gemeinden are built as the first run
after a change of dwk's code: what dwk derives from the tables is removed before and derived again.

Run: .venv/bin/python benchmarks/national.py [--jobs 2] [--sample-land KEY] [--cold]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DWK = str(Path(sys.executable).with_name("dwk"))
NAIVE_KREISE = ("01051", "03159", "05913", "09162", "14612", "16051")


def _tree_rss(root: int) -> int:
    """Resident memory of `root` and all its descendants, in bytes."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid], rss[pid] = int(fields[1]), int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += [p for p, pp in parents.items() if pp == pid]
    return total


def run(args: list[str]) -> dict:
    """Wall time, CPU time of the process tree and its peak memory for one CLI run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([DWK, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"dwk {' '.join(args)} failed: {err.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak": peak}


def median_wall(args: list[str], n: int) -> dict:
    runs = [run(args) for _ in range(n)]
    best = sorted(runs, key=lambda r: r["wall"])[n // 2]
    return best


def profiles_in(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*.json"))


def indicators_for_germany() -> tuple[float, int]:
    from dwk.areas import Registry
    from dwk.indicators.catalogue import load_catalogue
    from dwk.indicators.compute import compute
    from dwk.inputs.context import Context
    from dwk.store import Store

    store = Store.open()
    registry = Registry.load(store)
    keys = sorted(k for (k, lvl) in registry.names if lvl in ("de", "land", "kreis", "gemeinde"))
    catalogue = load_catalogue()
    start = time.perf_counter()
    compute(Context(store, registry.changes), catalogue, keys)
    return time.perf_counter() - start, len(keys)


def gemeinden_in_germany() -> int:
    """How many Gemeinden `--level gemeinde` builds (`dwk.app.coverage`)."""
    from dwk.app.coverage import coverage
    from dwk.areas import Registry
    from dwk.store import Store

    store = Store.open()
    return len(coverage(store, Registry.load(store), "gemeinde").areas)


def forget_derived() -> None:
    """Remove what dwk derived from the store's tables (`dwk.derived`: the folder of this store
    and code), so that the next run derives it again, as the first run after a change of dwk's
    code or of the store does."""
    import shutil

    from dwk.derived import DerivedCache
    from dwk.store import Store

    shutil.rmtree(DerivedCache(Store.open()).root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample-land", metavar="KEY", help="only this Land's Gemeinden")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="empty the derived cache before the Gemeinden, as the first run after a change",
    )
    opts = parser.parse_args()
    jobs = str(opts.jobs)
    rows: list[tuple[str, str]] = []
    mib = 1024 * 1024

    def line(what: str, r: dict, n: int = 1) -> None:
        per = f"; CPU {r['cpu'] / n * 1000:.0f} ms je Profil" if n > 1 else ""
        rows.append(
            (
                what,
                f"{r['wall']:.2f} s wall, CPU {r['cpu']:.1f} s{per}, "
                f"Spitze {r['peak'] / mib:.0f} MiB",
            )
        )
        print(f"{what}: {rows[-1][1]}", file=sys.stderr)

    run(["areas"])  # the store is built and warm
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        helps = [run(["--help"])["wall"] for _ in range(5)]
        rows.append(("`dwk --help` (Median von 5)", f"{statistics.median(helps):.3f} s"))
        line(
            "ein Profil, Gemeinde (`dwk profile build 09162000`, Median von 3)",
            median_wall(["profile", "build", "09162000", "--out", str(out / "one")], 3),
        )
        line(
            "ein Profil, Mitglied mit Befragung (`dwk profile build adorf`, Median von 3)",
            median_wall(["profile", "build", "adorf", "--out", str(out / "one")], 3),
        )
        line(
            "neun DWK-Profile (`--all`)",
            run(["profile", "build", "--all", "--out", str(out / "all")]),
            9,
        )
        kreise = run(
            ["profile", "build", "--level", "kreis", "--jobs", jobs, "--out", str(out / "nat")]
        )
        n_kreise = profiles_in(out / "nat" / "kreise")
        line(f"alle Kreise ({n_kreise}, `--level kreis --jobs {jobs}`)", kreise, n_kreise)
        naive = [run(["profile", "build", k, "--out", str(out / "naive")]) for k in NAIVE_KREISE]
        naive_total = sum(r["wall"] for r in naive) / len(naive) * n_kreise
        rows.append(
            (
                f"naiv: ein Prozess je Kreis ({len(NAIVE_KREISE)} gemessen, hochgerechnet)",
                f"{naive_total:.0f} s, also {naive_total / kreise['wall']:.1f}-mal so lang",
            )
        )
        gemeinden_args = ["profile", "build", "--level", "gemeinde", "--jobs", jobs]
        cold = ", erster Lauf nach einer Änderung" if opts.cold else ""
        if opts.cold:
            forget_derived()
        if opts.sample_land:
            sample = run([*gemeinden_args, "--land", opts.sample_land, "--out", str(out / "nat")])
            n = profiles_in(out / "nat" / "gemeinden")
            line(f"Gemeinden des Landes {opts.sample_land} ({n}, Stichprobe{cold})", sample, n)
            total = gemeinden_in_germany()
            rows.append(
                (
                    f"alle {total} Gemeinden, aus der Stichprobe hochgerechnet",
                    f"{sample['wall'] / n * total:.0f} s",
                )
            )
        else:
            gemeinden = run([*gemeinden_args, "--out", str(out / "nat")])
            n = profiles_in(out / "nat" / "gemeinden")
            line(f"alle Gemeinden ({n}, `--level gemeinde --jobs {jobs}`{cold})", gemeinden, n)
    seconds, n_keys = indicators_for_germany()
    rows.append(
        (f"Indikatoren für alle {n_keys} Gebiete Deutschlands (ein Aufruf)", f"{seconds:.2f} s")
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("Benchmark-Prozess selbst (Indikatoren), Spitze", f"{peak:.0f} MiB"))
    cpu = os.cpu_count()
    print(
        f"Rechner: {platform.processor() or platform.machine()}, {cpu} Kerne, "
        f"Python {platform.python_version()}, --jobs {jobs}\n"
    )
    print("| Messung | Ergebnis |\n|---|---|")
    for what, result in rows:
        print(f"| {what} | {result} |")


if __name__ == "__main__":
    main()
