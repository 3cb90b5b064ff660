"""Write the synthetic demo surveys: one LimeSurvey response export per profile area.

    python scripts/demo_surveys.py [OUT_DIR]      (default: data/surveys)

The answers are drawn from a plain random model (a mood per area and topic, an age slope,
noise), with a fixed seed per area, so the files come out byte for byte the same on every
machine: only `random.random()` is used, whose sequence Python keeps stable. The export shape
is LimeSurvey's CSV writer: UTF-8 with BOM, every value quoted, NULL as an unquoted empty
field, CRLF, a trailing empty line, and code headings (`LO[SQ001]`). The sample leans old and
female on purpose, so that the weighting has something to do.
"""

from __future__ import annotations

import random
import sys
import tomllib
import zlib
from pathlib import Path
from statistics import NormalDist

ROOT = Path(__file__).resolve().parent.parent
CODEBOOK = ROOT / "data" / "surveys" / "buergerbefragung.toml"
SIZES = {
    "adorf": 260, "dithmarschen": 520, "emsland": 540, "vrees": 95, "riesa": 380,
    "saarbruecken": 640, "dortmund": 820, "dueren": 560, "grabow": 140,
}  # fmt: skip
DISTRICTS = (("A1", 0.55), ("A2", 0.22), ("A3", 0.19), ("A4", 0.04))
AGE_BANDS = ((18, 30, 0.10), (30, 45, 0.17), (45, 65, 0.36), (65, 75, 0.21), (75, 92, 0.16))
REMARKS = (
    "Mehr Busse am Wochenende wären gut.",
    "Der Marktplatz ist schön geworden.",
    "Es fehlen Treffpunkte für Jugendliche.",
    "Bitte melden Sie sich bei mir: vorname.nachname@example.org",
    "Herr Beispiel vom Bauamt hat mir sehr geholfen.",
    "Rückruf erwünscht unter 0123 4567890.",
    "Die Wartezeit beim Hausarzt ist zu lang.",
    "Schnelles Internet fehlt im Außenbereich.",
    "Ich engagiere mich gern im Sportverein.",
)
_NORMAL = NormalDist()


def main(out_dir: Path) -> None:
    book = tomllib.loads(CODEBOOK.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    for slug, n in SIZES.items():
        rows = _respondents(slug, n, book)
        (out_dir / f"{slug}-buergerbefragung.csv").write_bytes(_export(rows))


def _respondents(slug: str, n: int, book: dict) -> list[dict[str, str | None]]:
    rng = random.Random(zlib.crc32(slug.encode()))
    topics = list(dict.fromkeys(i["handlungsfeld"] for i in book["item"]))
    mood = {t: rng.random() - 0.5 for t in topics}
    mood.update({i["id"]: 0.4 * (rng.random() - 0.5) for i in book["item"]})
    rows = []
    for rid in range(1, n + 1):
        age = _age(rng)
        kids = age < 55 and rng.random() < 0.45
        complete = rng.random() > 0.07
        last_item = len(book["item"]) if complete else int(rng.random() * len(book["item"]))
        row: dict[str, str | None] = {
            "id": str(rid),
            "submitdate": "2026-03-16 10:00:00" if complete else None,
            "lastpage": "4" if complete else str(1 + last_item // 6),
            "startlanguage": "de",
            "seed": str(int(rng.random() * 1e9)),
            "S1": str(age) if rng.random() > 0.01 else "",
            "S2": _pick(rng, (("A1", 0.435), ("A2", 0.56), ("A3", 0.005))),
            "S3": _pick(rng, DISTRICTS),
            "S4": "Y" if kids else "N",
        }
        for k, item in enumerate(book["item"]):
            shown = k < last_item and (kids or not item["id"].startswith("fa_kita"))
            row[item["column"]] = _answer(rng, item, mood, age) if shown else None
        row["Q9"] = REMARKS[int(rng.random() * len(REMARKS))] if rng.random() < 0.15 else ""
        rows.append(row)
    return rows


def _age(rng: random.Random) -> int:
    lo, hi, _ = AGE_BANDS[_index(rng, [w for _, _, w in AGE_BANDS])]
    return lo + int(rng.random() * (hi - lo))


def _pick(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    return options[_index(rng, [w for _, w in options])][0]


def _index(rng: random.Random, weights: list[float]) -> int:
    u, acc = rng.random() * sum(weights), 0.0
    for i, w in enumerate(weights):
        acc += w
        if u < acc:
            return i
    return len(weights) - 1


def _answer(rng: random.Random, item: dict, mood: dict[str, float], age: int) -> str:
    u = rng.random()
    if u < 0.04:
        return "A6"
    if u < 0.07:
        return ""
    lean = mood[item["handlungsfeld"]] + mood[item["id"]]
    lean += 0.5 if item["id"].startswith("lo_") else 0.0
    if item["id"].startswith(("di_", "eh_bereit")):
        lean -= (age - 50) / 40
    if item["polarity"] == "zustimmung_unguenstig":
        lean = -lean
    z = _NORMAL.inv_cdf(min(max(rng.random(), 1e-9), 1 - 1e-9))
    code = min(5, max(1, round(3.35 + lean + 1.1 * z)))
    if item.get("reverse"):
        code = 6 - code
    return f"A{code}"


def _export(rows: list[dict[str, str | None]]) -> bytes:
    heading = list(rows[0])
    lines = [",".join(f'"{h}"' for h in heading)]
    for row in rows:
        lines.append(
            ",".join(
                "" if row[h] is None else '"' + row[h].replace('"', '""') + '"' for h in heading
            )
        )
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "surveys")
