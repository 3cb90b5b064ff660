"""`dwk swot review`: write an area's SWOT candidates into its review file, keeping every
verdict already there. Parsing, merging and dumping the file is `dwk.swot.review_file`'s."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dwk.app.build import profile_rules
from dwk.areas import Area, Registry
from dwk.core.atomic import write_text
from dwk.indicators.catalogue import load_catalogue
from dwk.inputs.context import Context
from dwk.report.build import build_profile
from dwk.store import Store
from dwk.swot import review_file
from dwk.swot.review_file import (
    ACCEPTED,
    CANDIDATE,
    EDITED,
    GONE,
    REJECTED,
    Review,
    dump_review,
    load_review,
    merge_review,
)
from dwk.swot.review_scope import review_scope


@dataclass(frozen=True)
class ReviewUpdate:
    path: Path
    area: Area
    review: Review
    new: int
    gone: int
    notes: tuple[str, ...] = ()

    def count(self, status: str) -> int:
        return sum(1 for e in self.review.items if e.mark != GONE and e.status == status)

    def lines(self) -> list[str]:
        current = sum(1 for e in self.review.items if e.mark != GONE)
        return [
            f"{self.path}: Review für {self.area.name} ({self.area.key}) geschrieben",
            f"{current} Kandidaten, davon {self.new} neu; {self.gone} entfallen",
            f"angenommen {self.count(ACCEPTED)}, bearbeitet {self.count(EDITED)}, "
            f"abgelehnt {self.count(REJECTED)}, ungeprüft {self.count(CANDIDATE)}, "
            f"ergänzt {len(self.review.added)}",
            *self.notes,
        ]


def update_review(
    store: Store, registry: Registry, query: str, path: Path | None = None
) -> ReviewUpdate:
    """Write the area's candidates into its review file, keeping every verdict already there."""
    area = registry.resolve(query)
    # looked up on the module, so that a test (or a caller) can point it elsewhere
    path = path or review_file.default_review_dir() / f"{area.slug}.toml"
    catalogue = load_catalogue()
    rules = profile_rules(catalogue)
    old = load_review(path, area, rules, review_scope(area, catalogue))
    ctx = Context(store, registry.changes)
    profile = build_profile(area, store, registry, catalogue, rules, ctx)
    review, new, gone, notes = merge_review(old, profile.swot, area, path)
    write_text(path, dump_review(review, area))
    return ReviewUpdate(path, area, review, new, gone, tuple(notes))
