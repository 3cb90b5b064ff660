"""The censuses that re-base the population series (`data/censuses.toml`): their day, the first
Stichtag on their basis and the role whose table holds the count. Read here so that no
computation names a census year; a later census is one entry in that file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from dwk import roles
from dwk.core import paths
from dwk.core.errors import ConfigError
from dwk.core.toml_records import Field, Schema, check, load

__all__ = ["Census", "by_basis", "first_after", "load_censuses"]


@dataclass(frozen=True)
class Census:
    basis: str  # `zensus2011`: the basis of the figures counted on from it
    label: str  # "Zensus 2011"
    date: str  # ISO, the census day
    first: str  # ISO, the first 31.12. of the Fortschreibung on its basis
    role: str

    @property
    def year(self) -> int:
        """The first Stichtag's year: the series breaks between it and the year before."""
        return int(self.first[:4])

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables of the count, from `data/roles.toml`."""
        return roles.tables(self.role)


CENSUS: Schema = {
    "label": Field(str, required=True, nonempty=True),
    "date": Field(date, required=True),
    "first": Field(date, required=True),
    "role": Field(str, required=True, nonempty=True),
}


@cache
def load_censuses(path: Path | None = None) -> tuple[Census, ...]:
    """The censuses, oldest first."""
    path = path or paths.data_dir() / "censuses.toml"
    raw, lines = load(path)
    out = []
    for basis, body in raw.items():
        fields = check(body, CENSUS, lines, (basis,), f"Zensus {basis!r}")
        if fields["first"] <= fields["date"]:
            raise lines.error(
                f"Zensus {basis!r}: first ({fields['first']}) liegt nicht nach date "
                f"({fields['date']})",
                (basis,),
                "first",
            )
        out.append(
            Census(
                basis,
                fields["label"],
                fields["date"].isoformat(),
                fields["first"].isoformat(),
                fields["role"],
            )
        )
    return tuple(sorted(out, key=lambda c: c.date))


def by_basis(basis: str) -> Census:
    for c in load_censuses():
        if c.basis == basis:
            return c
    raise ConfigError(f"Zensus {basis!r} fehlt in data/censuses.toml")


def first_after(year: int) -> Census | None:
    """The first census whose series starts after `year` (the break a series from `year` on
    meets first), or None."""
    return next((c for c in load_censuses() if c.year > year), None)
