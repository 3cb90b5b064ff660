"""Simplify the BKG VG5000 boundaries (Stand 01.01.2021) once into the small file dwk ships.

Run from the repository root (needs `pyshp` and `pyproj`, which the package itself never does):

    pip install -e ".[geo]"      # pyshp, pyproj, openpyxl
    python scripts/simplify_geometry.py            # writes data/geo/vg5000-2021.json

Why a topology: the Länder, Kreise and Gemeinden of VG5000 share their vertices exactly (every
LAN and KRS vertex is a GEM vertex), so the rings are cut into arcs at the points where three or
more areas meet, each arc is simplified once (Douglas–Peucker, end points fixed) and every area
refers to its arcs. Neighbours therefore keep one common border and the levels nest without
gaps or slivers, and each border is stored once.

Only records with GF = 9 ("mit Struktur", the land areas) are used: the Länder have a second
record with GF = 8 for the coastal sea and the Bodensee (VG5000 documentation, 3.2, "GF").
Every AGS of GEM and KRS has exactly one record; islands and exclaves are parts of it.

Gemeinden of the Gemeindeverzeichnis of 31.12.2019 (shipped) and 31.12.2023 (if given) whose
key has no VG5000 2021 outline are stored as points from the GV centre coordinates (WGS84,
projected to the same Gauß-Krüger plane), so that a map can still place them.

File layout (JSON, keys sorted, no spaces, same input → same bytes):
  grid, origin: coordinates are integers in units of `grid` metres from `origin` (EPSG:31467)
  arcs: [x0, y0, dx1, dy1, …] delta-encoded per arc
  areas: {ags: [level, name, bez, [[arc, …] per ring]]}; arc ~i (= -i-1) is arc i reversed
  points: {ags: [level, name, x, y, source]} in the same units
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

from dwk.core.atomic import write_text

LEVELS = {"LAN": "land", "KRS": "kreis", "GEM": "gemeinde"}
ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert)"
Point = tuple[float, float]


def read_layer(folder: Path, layer: str) -> dict[str, tuple[str, str, list[list[Point]]]]:
    """{AGS: (name, BEZ, rings)} for the GF = 9 records of one VG5000 layer."""
    import shapefile  # pyshp

    out: dict[str, tuple[str, str, list[list[Point]]]] = {}
    with shapefile.Reader(str(folder / f"VG5000_{layer}"), encoding="utf-8") as reader:
        for sr in reader.iterShapeRecords():
            rec = sr.record.as_dict()
            if rec["GF"] != 9:
                continue
            if rec["AGS"] in out:
                raise SystemExit(f"{layer}: AGS {rec['AGS']} twice with GF 9")
            pts = [(float(x), float(y)) for x, y in sr.shape.points]
            starts = list(sr.shape.parts) + [len(pts)]
            rings = []
            for a, b in zip(starts, starts[1:], strict=False):
                ring = pts[a:b]
                if ring[0] == ring[-1]:
                    ring = ring[:-1]
                rings.append(ring)
            out[rec["AGS"]] = (rec["GEN"], rec["BEZ"], rings)
    return out


def build_arcs(rings: list[list[Point]]) -> tuple[list[list[Point]], list[list[int]]]:
    """Cut every ring at the junctions (points with more than two distinct neighbours) and
    store each arc once; returns the arcs and, per ring, its arc references."""
    neighbours: dict[Point, set[Point]] = {}
    for ring in rings:
        n = len(ring)
        for i, p in enumerate(ring):
            neighbours.setdefault(p, set()).update((ring[i - 1], ring[(i + 1) % n]))
    junction = {p for p, s in neighbours.items() if len(s) > 2}
    arcs: list[list[Point]] = []
    index: dict[tuple[Point, ...], int] = {}
    refs: list[list[int]] = []

    def ref(arc: list[Point]) -> int:
        key = tuple(arc)
        if key in index:
            return index[key]
        back = tuple(reversed(arc))
        if back in index:
            return ~index[back]
        index[key] = len(arcs)
        arcs.append(arc)
        return len(arcs) - 1

    for ring in rings:
        cuts = [i for i, p in enumerate(ring) if p in junction]
        if not cuts:  # an island or enclave: one closed arc, started at its smallest point
            start = ring.index(min(ring))
            loop = ring[start:] + ring[:start]
            turn = loop[1] > loop[-1]  # one direction for every ring that shares the loop
            if turn:
                loop = [loop[0]] + loop[:0:-1]
            r = ref(loop + [loop[0]])
            refs.append([~r if turn else r])
            continue
        turned = ring[cuts[0] :] + ring[: cuts[0]] + [ring[cuts[0]]]
        marks = [i for i, p in enumerate(turned) if p in junction]
        refs.append([ref(turned[a : b + 1]) for a, b in zip(marks, marks[1:], strict=False)])
    return arcs, refs


def check_arcs(rings: list[list[Point]], arcs: list[list[Point]], refs: list[list[int]]) -> None:
    """Every ring, put together from its arcs before simplifying, is the ring read."""
    for n, (ring, rr) in enumerate(zip(rings, refs, strict=True)):
        pts: list[Point] = []
        for r in rr:
            seq = arcs[r] if r >= 0 else arcs[~r][::-1]
            pts += seq[1:] if pts else seq
        pts = pts[:-1]
        i = pts.index(ring[0]) if ring[0] in pts else -1
        if i < 0 or pts[i:] + pts[:i] != ring:
            raise SystemExit(f"ring {n}: arcs do not give the ring back")


def _dist(p: Point, a: Point, b: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / math.hypot(dx, dy)


def douglas_peucker(pts: list[Point], tol: float, keep_one: bool = True) -> list[Point]:
    """Douglas–Peucker with fixed end points. `keep_one` keeps the farthest inner point even
    within the tolerance, so two arcs between the same junctions never collapse to a line."""
    if len(pts) < 3:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1, keep_one)]
    while stack:
        a, b, force = stack.pop()
        if b - a < 2:
            continue
        far, dmax = a + 1, -1.0
        for i in range(a + 1, b):
            d = _dist(pts[i], pts[a], pts[b])
            if d > dmax:
                far, dmax = i, d
        if dmax > tol or force:
            keep[far] = True
            stack += [(a, far, False), (far, b, False)]
    return [p for p, k in zip(pts, keep, strict=True) if k]


def simplify(arc: list[Point], tol: float) -> list[Point]:
    if arc[0] == arc[-1]:  # a closed loop: split at its farthest point, keep a quadrilateral
        far = max(range(len(arc)), key=lambda i: math.dist(arc[0], arc[i]))
        one = douglas_peucker(arc[: far + 1], tol)
        return one[:-1] + douglas_peucker(arc[far:], tol)
    return douglas_peucker(arc, tol)


def _in_germany(lon: float, lat: float) -> bool:
    """The GV gives 0/0 for the uninhabited deutsch-luxemburgisches Kondominium (07000999)."""
    return 5.5 < lon < 15.5 and 47.0 < lat < 55.5


def gv_points(gv2019: Path, gv2023: Path | None) -> dict[str, tuple[str, float, float, str]]:
    """{AGS: (name, lon, lat, source)} of every Gemeinde in the Gemeindeverzeichnisse."""
    out: dict[str, tuple[str, float, float, str]] = {}
    with gv2019.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["satzart"] == "60" and row["laengengrad"].strip():
                ags = row["land"] + row["rb"] + row["kreis"] + row["gemeinde"]
                lon, lat = (float(row[c].replace(",", ".")) for c in ("laengengrad", "breitengrad"))
                if _in_germany(lon, lat):
                    out[ags] = (row["gemeindename"], lon, lat, "GV 31.12.2019")
    if gv2023 is not None:
        import openpyxl

        wb = openpyxl.load_workbook(gv2023, read_only=True)
        for row in wb["Onlineprodukt_Gemeinden31122023"].iter_rows(values_only=True):
            if row[0] == "60" and row[14]:
                ags = f"{row[2]}{row[3]}{row[4]}{row[6]}"
                lon, lat = float(row[14].replace(",", ".")), float(row[15].replace(",", "."))
                if _in_germany(lon, lat):
                    out.setdefault(ags, (row[7], lon, lat, "GV 31.12.2023"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", type=Path, default=Path("../shared/data/geo/bkg-vg5000-2021"))
    ap.add_argument(
        "--gv2019",
        type=Path,
        default=Path("data/raw/grundeinkommensbuero-gv/AuszugGV4QAktuell.csv"),
    )
    ap.add_argument(
        "--gv2023",
        type=Path,
        default=Path("../shared/data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx"),
    )
    ap.add_argument("--out", type=Path, default=Path("data/geo/vg5000-2021.json"))
    ap.add_argument("--tolerance", type=float, default=120.0, help="Douglas–Peucker, metres")
    ap.add_argument("--grid", type=int, default=20, help="coordinate grid, metres")
    args = ap.parse_args(argv)

    layers = {lvl: read_layer(args.src, layer) for layer, lvl in LEVELS.items()}
    order = [(lvl, key) for lvl in LEVELS.values() for key in sorted(layers[lvl])]
    all_rings = [ring for lvl, key in order for ring in layers[lvl][key][2]]
    arcs, refs = build_arcs(all_rings)
    check_arcs(all_rings, arcs, refs)
    grid = args.grid
    xs = [p[0] for a in arcs for p in a]
    ys = [p[1] for a in arcs for p in a]
    origin = (math.floor(min(xs) / 1000) * 1000, math.floor(min(ys) / 1000) * 1000)

    def q(p: Point) -> tuple[int, int]:
        return round((p[0] - origin[0]) / grid), round((p[1] - origin[1]) / grid)

    encoded, n_in, n_out = [], 0, 0
    for arc in arcs:
        pts = [q(p) for p in simplify(arc, args.tolerance)]
        pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
        n_in, n_out = n_in + len(arc), n_out + len(pts)
        flat = list(pts[0])
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            flat += [x1 - x0, y1 - y0]
        encoded.append(flat)

    areas: dict[str, list] = {}
    it = iter(refs)
    for lvl, key in order:
        name, bez, rings = layers[lvl][key]
        areas[key] = [lvl, name, bez, [next(it) for _ in rings]]

    points: dict[str, list] = {}
    gv = gv_points(args.gv2019, args.gv2023 if args.gv2023.exists() else None)
    missing = sorted(k for k in gv if k not in areas)
    if missing:
        from pyproj import Transformer

        to_gk3 = Transformer.from_crs("EPSG:4326", "EPSG:31467", always_xy=True)
        for k in missing:
            name, lon, lat, source = gv[k]
            x, y = q(to_gk3.transform(lon, lat))
            points[k] = ["gemeinde", name, x, y, source]

    doc = {
        "format": "dwk-geo 1",
        "source": "BKG, Verwaltungsgebiete 1:5 000 000 (VG5000), Ebenen, Stand 01.01.2021; "
        "Punkte: Destatis Gemeindeverzeichnis (Mittelpunktkoordinaten)",
        "attribution": ATTRIBUTION,
        "licence": "dl-de/by-2-0",
        "crs": "EPSG:31467",
        "grid": grid,
        "origin": list(origin),
        "tolerance": args.tolerance,
        "arcs": encoded,
        "areas": areas,
        "points": points,
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    write_text(args.out, text)
    counts = {lvl: sum(1 for v in areas.values() if v[0] == lvl) for lvl in LEVELS.values()}
    print(
        f"{args.out}: {len(text.encode()):,} bytes; {counts}; {len(points)} points; "
        f"{len(arcs)} arcs, {n_in:,} → {n_out:,} vertices",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
