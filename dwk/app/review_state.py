"""The SWOT review state of all members for the meeting bundle: counts per member, one CSV of
every statement with its verdict, and the review files themselves as they were applied."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dwk.core.atomic import write_bytes, write_text
from dwk.report.build import Profile
from dwk.swot.review_file import ACCEPTED, CANDIDATE, EDITED

OVERVIEW = "uebersicht.csv"
COLUMNS = ("Mitglied", "Schlüssel", "ID", "Quadrant", "Status", "Text", "Ursprünglicher Text",
           "Prüfer", "Datum", "Grund oder Quelle")  # fmt: skip


def review_rows(profiles: list[Profile]) -> list[dict]:
    out = []
    for p in profiles:
        r = p.review
        shown = r.shown if r else ()
        count = {s: sum(1 for i in shown if i.status == s) for s in (CANDIDATE, ACCEPTED, EDITED)}
        out.append(
            {
                "name": p.area.name,
                "file": f"{p.area.slug}.toml" if r else "",
                "candidate": count[CANDIDATE] if r else len(p.swot),
                "accepted": count[ACCEPTED],
                "edited": count[EDITED],
                "rejected": len(r.rejected) if r else 0,
                "added": len(r.added) if r else 0,
            }
        )
    return out


def write_review_state(profiles: list[Profile], folder: Path, review_dir: Path) -> str:
    """Writes the overview CSV and copies the applied review files; returns the CSV's name."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for p in profiles:
        r = p.review
        if r is None:
            for i in p.swot:
                writer.writerow(
                    (
                        p.area.name,
                        p.area.key,
                        i.id,
                        i.quadrant,
                        "ohne Review-Datei",
                        i.text,
                        "",
                        "",
                        "",
                        "",
                    )
                )
            continue
        for i in r.shown:
            writer.writerow(
                (
                    p.area.name,
                    p.area.key,
                    i.id,
                    i.quadrant,
                    i.status,
                    i.text,
                    i.original,
                    i.reviewer,
                    i.date,
                    i.source,
                )
            )
        for e in r.rejected:
            writer.writerow(
                (
                    p.area.name,
                    p.area.key,
                    e.id,
                    e.quadrant,
                    e.status,
                    e.text,
                    "",
                    e.reviewer,
                    e.date,
                    e.reason,
                )
            )
        for e in r.gone:
            writer.writerow(
                (
                    p.area.name,
                    p.area.key,
                    e.id,
                    e.quadrant,
                    f"{e.status}, entfallen",
                    e.text,
                    "",
                    e.reviewer,
                    e.date,
                    e.reason,
                )
            )
        applied = review_dir / f"{p.area.slug}.toml"
        write_bytes(folder / applied.name, applied.read_bytes())
    write_text(folder / OVERVIEW, "\ufeff" + buf.getvalue())
    return OVERVIEW
