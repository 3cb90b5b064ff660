"""A review applied to the SWOT candidates: what the profile shows, and what its appendix lists.

Accepted and edited items are shown with their verdict, candidates nobody has looked at yet are
shown marked as unreviewed, so that a half-finished review never hides a finding; rejected and
gone items move to the appendix with the reasons given.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dwk.swot.engine import NEED, QUADRANTS, SwotItem
from dwk.swot.review_file import CANDIDATE, EDITED, REJECTED, AddedEntry, Review, ReviewEntry

ADDED = "added"
# What a report shows of one text a reviewer typed: a 10 MB reason once kept the PDF step busy
# for more than ten minutes. The review file keeps the whole text.
CLIP = 2000
CLIPPED = " … (gekürzt)"


def clip(text: str) -> str:
    return text if len(text) <= CLIP else text[:CLIP].rstrip() + CLIPPED


def _clip_entry(e):  # ReviewEntry | AddedEntry
    typed = ("text", "reviewer", "edited", "reason", "mark", "source", "date")
    return replace(e, **{f: clip(getattr(e, f)) for f in typed if hasattr(e, f)})


@dataclass(frozen=True)
class ShownItem:
    """An item as the profile shows it: `text` is the reviewed wording, `original` the rule's
    where an edit replaced it, `source` the workshop an added item comes from."""

    id: str
    quadrant: str
    text: str
    status: str  # candidate | accepted | edited | added
    rule: str = ""
    evidence: dict = field(default_factory=dict)
    original: str = ""
    source: str = ""
    reviewer: str = ""
    date: str = ""


@dataclass(frozen=True)
class ReviewedSwot:
    file: str
    shown: tuple[ShownItem, ...]
    rejected: tuple[ReviewEntry, ...]
    gone: tuple[ReviewEntry, ...]
    added: tuple[AddedEntry, ...]

    @property
    def quadrants(self) -> dict[str, list[ShownItem]]:
        return {q: [i for i in self.shown if i.quadrant == q] for q in (*QUADRANTS, NEED)}

    @property
    def unreviewed(self) -> int:
        return sum(1 for i in self.shown if i.status == CANDIDATE)


def apply_review(candidates: list[SwotItem], review: Review) -> ReviewedSwot:
    """The candidates under `review`; items the file lacks count as unreviewed, and items the
    file has but the rules no longer produce as gone, whether or not the file says so yet."""
    entries = {k: _clip_entry(e) for k, e in review.by_id().items()}
    added = tuple(_clip_entry(a) for a in review.added)
    shown, rejected = [], []
    for c in candidates:
        e = entries.get(c.id) or ReviewEntry(c.id, c.quadrant, c.text)
        if e.status == REJECTED:
            rejected.append(replace(e, quadrant=c.quadrant, text=c.text))
            continue
        edited = e.status == EDITED
        shown.append(
            ShownItem(
                c.id,
                c.quadrant,
                e.edited if edited else c.text,
                e.status,
                c.rule,
                c.evidence,
                c.text if edited else "",
                reviewer=e.reviewer,
                date=e.date,
            )
        )
    shown += [
        ShownItem(
            a.id, a.quadrant, a.text, ADDED, source=a.source, reviewer=a.reviewer, date=a.date
        )
        for a in added
    ]
    current = {c.id for c in candidates}
    gone = tuple(_clip_entry(e) for e in review.items if e.id not in current)
    return ReviewedSwot(review.path.name, tuple(shown), tuple(rejected), gone, added)
