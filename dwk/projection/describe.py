"""The projection's assumptions in words, and an area's own levels, for reports and output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dwk import roles
from dwk.core.format import format_de, format_period
from dwk.core.types import level_of
from dwk.inputs import schedules as sc
from dwk.inputs import tables as inputs
from dwk.inputs.censuses import by_basis
from dwk.projection import assumptions as asm
from dwk.projection import gemeinde_migration as gm
from dwk.projection import kreis_inputs as ki
from dwk.projection import migration as mg
from dwk.projection import observed as ob
from dwk.projection.frame import load_frame

if TYPE_CHECKING:
    from dwk.inputs.context import Context
    from dwk.projection.result import Projection


@dataclass(frozen=True)
class Assumption:
    """One topic of the method text; a long one in `paragraphs`, each a step of the reasoning,
    so that a reader can follow it in the profile (the migration runs to about ten)."""

    topic: str
    paragraphs: tuple[str, ...]
    tables: str

    @property
    def text(self) -> str:
        """The paragraphs as one line (the command line's output)."""
        return " ".join(self.paragraphs)


def _lams(plan: mg.Plan) -> str:
    lam = plan.fit.lam
    shown = [h for h in (1, 5, 10) if h <= len(lam)]
    parts = [f"λ({h}) = {format_de(lam[h - 1], 2)}" for h in shown]
    average = "für einen durchschnittlichen Kreis " if plan.by_mobility else ""
    return average + ", ".join(parts) + f", ab {len(lam)} Jahren {format_de(lam[-1], 2)}"


def _mobility(plan: mg.Plan) -> str:
    """How λ differs between Kreise (`migration.mobility`)."""
    if not plan.by_mobility:
        return ""
    h = min(5, len(plan.fit.lam))
    slopes = " bzw. ".join(
        f"{format_de(-b, 2)} je Standardabweichung mehr {what}"
        for what, b in zip(mg.MOBILITY, plan.fit.slopes[h - 1], strict=True)
    )
    return (
        "Abweichungen von Kreisen mit vielen 18- bis 29-Jährigen und von großen Kreisen "
        f"verblassten schneller, das λ(h) jedes Kreises hängt daher von beidem ab: λ({h}) ist um "
        f"{slopes} kleiner."
    )


def _exposure(ctx: Context, plan: mg.Plan) -> str:
    """How the deviation moves with Germany's rate (`migration.exposure`)."""
    day = ki.foreign_stichtag(ctx, plan.base_year)
    if not plan.fit.gamma or day is None:
        return ""
    g = plan.fit.gamma
    shown = ", ".join(f"γ({h}) = {format_de(g[h - 1], 2)}" for h in (1, 5) if h <= len(g))
    return (
        "Wo viele Ausländer leben, kommen mehr Zuwanderer aus dem Ausland hinzu: die "
        "Abweichung bewegt sich daher mit der Rate Deutschlands, um γ(h) je "
        "Standardabweichung mehr Anteil der Ausländer an den Beschäftigten am Wohnort "
        f"(am {format_period(day)}) mal die Änderung dieser Rate gegenüber "
        f"{_years(plan.recent_years)} ({shown}, ab {len(g)} Jahren {format_de(g[-1], 2)}; "
        "gemessen wie λ(h))."
    )


def _pct(x: float) -> str:
    return format_de(x, 1)


def describe(
    ctx: Context, proj: Projection, tables: dict[str, sc.LifeTable], fert: sc.Fertility
) -> list[Assumption]:
    """The assumptions in words, with the tables they come from."""
    split = (
        "die Altersjahre 75–79, 80–84, 85–89 und 90+ entlang der Sterbetafel 2016/18 (L(x)) auf "
        "Einzeljahre verteilt"
        if proj.base_table in roles.tables("age_single_years")
        else "die 17 Altersgruppen entlang der Einzeljahre des eigenen Kreises verteilt"
    )
    period = tables["male"].period
    frame = load_frame()
    main = frame.variants["main"]
    src = frame.source
    return [
        Assumption(
            "Basis",
            (
                f"Bevölkerung am {format_period(proj.base_period)} nach Geschlecht und Alter; "
                f"{split}.{_carried_over(ctx, proj)}",
            ),
            ", ".join(dict.fromkeys([proj.base_table, *_line_tables(ctx, proj)])),
        ),
        Assumption(
            "Sterblichkeit",
            (
                f"Sterbetafel Deutschland {period} (Lebenserwartung bei Geburt: Männer "
                f"{format_de(tables['male'].e0, 1)}, Frauen "
                f"{format_de(tables['female'].e0, 1)} Jahre); alle Sterberaten Jahr für Jahr mit "
                "einem Faktor so verändert, dass die Lebenserwartung der späteren Sterbetafeln "
                f"und danach der Annahme L2 der {src['in_text']} folgt (Männer "
                f"{format_de(main.e0_male, 1)}, Frauen {format_de(main.e0_female, 1)} Jahre im "
                f"Jahr {main.e0_year}).",
                "Örtliches Niveau durch indirekte Standardisierung: Gestorbene "
                f"{_years(list(asm.level_years(ctx)))} je erwartete Gestorbene mit den Raten der "
                f"Tafel, relativ zu Deutschland, je Geschlecht. Unter {asm.MIN_EVENTS} "
                "Ereignissen gilt das Niveau Deutschlands.",
            ),
            f"{ctx.table('life_table')}, {ctx.table('deaths')}, {ctx.table('mean_population')}",
        ),
        Assumption(
            "Geburten",
            (
                f"Altersspezifische Geburtenziffern Deutschlands {fert.year} (zusammengefasste "
                f"Geburtenziffer {format_de(fert.tfr, 2)}), Jahr für Jahr auf die beobachtete "
                f"Geburtenziffer Deutschlands bis {max(frame.fertility_observed)} und danach "
                f"linear auf {format_de(main.fertility, 2)} Kinder je Frau im Jahr "
                f"{main.fertility_year} (Annahme G2 der {src['in_text']}) umgerechnet; "
                f"Jungenanteil {_pct(fert.share_male * 100)} %.",
                "Örtliches Niveau durch indirekte Standardisierung der Lebendgeborenen "
                f"{_years(list(asm.level_years(ctx)))}.",
            ),
            f"{ctx.table('births_by_age')}, {ctx.table('age_single_years')}, "
            f"{ctx.table('births')}, {src['publisher']}",
        ),
        Assumption("Wanderungen", _migration_text(ctx, proj), _migration_tables(ctx, proj)),
        Assumption(
            "Nationaler Rahmen",
            (
                f"{src['publisher']}: {src['title']}, veröffentlicht am "
                f"{format_period(src['published'])}, {src['url']}; {src['licence']}.",
                f"Beobachtete Werte: {src['observed']}.",
            ),
            src["publisher"],
        ),
    ]


def _carried_over(ctx: Context, proj: Projection) -> str:
    """How the base reached the run's census basis (`observed.basis_factors`)."""
    if proj.line == ob.FIRST_LINE:
        return ""
    census, year = by_basis(proj.line), ob.common_year(ctx, proj.line)
    ratio = (
        f"der Einwohnerzahl im {census.label} ({format_period(census.date)}) zur Fortschreibung "
        "an diesem Tag (bei geänderter Fläche dem des Kreises), mit einem Faktor je Kreis "
        f"so angeglichen, dass die Gemeinden am 31.12.{year} die Einwohnerzahl des Kreises "
        "ergeben"
        if level_of(proj.keys[0]) == "gemeinde"
        else f"der beiden Fortschreibungen des Kreises am 31.12.{year}"
    )
    return (
        f" Auf die {basis_name(proj.line)} umgerechnet mit dem Verhältnis {ratio}, für alle "
        f"Altersjahre gleich; ebenso die Einwohnerzahlen vor {census.year}."
    )


def basis_name(line: str) -> str:
    """A census line as German writes it ("Zensus-2022-Basis")."""
    return f"{by_basis(line).label.replace(' ', '-')}-Basis"


def _line_tables(ctx: Context, proj: Projection) -> list[str]:
    """The tables that carry a run over to its census basis."""
    if proj.line == ob.FIRST_LINE:
        return []
    year = ob.common_year(ctx, proj.line)
    columns = [ctx.population(line).tables for line in (ob.FIRST_LINE, proj.line)]
    # one column each, in row order (stacking the whole table cost 7 ms of every profile)
    codes = [str(t) for c in columns if year in c.columns for t in c[year].dropna().unique()]
    if level_of(proj.keys[0]) == "gemeinde":
        present = set(ctx.store.tables())
        codes += [t for t in by_basis(proj.line).tables if t in present][:1]
    return codes


def _years(ys: list[int]) -> str:
    return f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else str(ys[0])


def _size_classes() -> list[str]:
    """The Gemeinde size classes (`gemeinde_migration.SIZES`) in words: unter 1.000,
    1.000–2.000, …, 20.000 und mehr."""
    bounds = [format_de(b, 0) for b in gm.SIZES[1:]]
    between = [f"{a}–{b}" for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    return [f"unter {bounds[0]}", *between, f"{bounds[-1]} und mehr"]


def _gapped(ys: list[int]) -> str:
    """`_years`, naming the years left out in between (2020–2023 ohne 2022)."""
    gaps = [str(y) for y in range(ys[0], ys[-1]) if y not in ys]
    return _years(ys) + (f" ohne {', '.join(gaps)}" if gaps else "")


def _over(ys: list[int]) -> str:
    return "eines Jahres" if len(ys) == 1 else f"über {len(ys)} Jahre"


def _migration_text(ctx: Context, proj: Projection) -> tuple[str, ...]:
    """The migration assumption in paragraphs: Germany's level, the area's deviation, the
    arrivals of 2015, a Gemeinde's own part, how the balances are measured, ages and sexes."""
    plan, gemeinden = proj.plan, level_of(proj.keys[0]) == "gemeinde"
    frame = load_frame()
    last = max(frame.migration_observed)
    levels = "; ".join(
        f"{mg.VARIANT_LABELS[v.id]}: {format_de(v.migration, 0)} ({v.official.split(':')[0]})"
        for v in frame.variants.values()
    )
    parts = [
        f"Wanderungssaldo Deutschlands: beobachtet bis {last} "
        f"({format_de(frame.migration_observed[last], 0)} Personen), danach linear bis "
        f"{frame.variants['main'].migration_year} auf das Niveau der {frame.source['in_text']}, "
        f"dann konstant ({levels}); auf die Gebiete verteilt mit einer für alle gleichen Rate "
        "plus ihrer Abweichung, zusammen genau der Saldo Deutschlands.",
        f"Dazu die Abweichung {'des Kreises' if gemeinden else 'des Gebiets'} von Deutschland "
        f"({_years(plan.recent_years)}; ohne {', '.join(str(y) for y in mg.IRREGULAR)}: "
        f"{'; '.join(mg.IRREGULAR.values())}), gedämpft mit λ(h), dem Anteil einer solchen "
        f"Abweichung {_over(plan.recent_years)}, der h Jahre später im Mittel noch bestand "
        f"(gemessen an allen Kreisen, Ausgangsjahre ab {plan.fit.origins[0]}): "
        f"{_lams(plan)}. Der Zeitraum ist unter denen von {min(mg.WINDOWS)} bis "
        f"{max(mg.WINDOWS)} Jahren der, dessen Abweichungen die späteren Jahre in der "
        "Vergangenheit am besten vorhersagten.",
        *(t for t in (_mobility(plan), _exposure(ctx, plan)) if t),  # each its own paragraph
    ]
    if plan.leaving is not None and plan.leaving.sum() > 0:  # all Kreise as of the base
        parts.append(
            f"{plan.base_year} war ein Jahr außergewöhnlicher Zuwanderung: Was ein Kreis darin "
            "über die Rate Deutschlands und seine gedämpfte Abweichung hinaus gewann, vor allem "
            f"Menschen in Erstaufnahmeeinrichtungen, zieht {plan.base_year + 1} weiter und wird "
            "mit der für alle gleichen Rate verteilt (zusammen "
            f"{format_de(float(plan.leaving.sum()), 0)} Personen in "
            f"{format_de(int((plan.leaving > 0).sum()), 0)} Kreisen)."
        )
    if gemeinden and proj.within is not None:
        part = proj.within
        sizes = _size_classes()
        means = "; ".join(
            f"{c} {format_de(1000 * m, 1, sign=True)}"
            for c, m in zip(sizes, part.means, strict=True)
        )
        factors = "; ".join(
            f"{c} {format_de(f, 2)}" for c, f in zip(sizes, part.factors, strict=True)
        )
        _, before, after = gm.windows(ctx)
        parts.append(
            "Dazu die mittlere Abweichung der Gemeinden ihrer Größe vom Kreis, die bleibt "
            f"(je 1.000 Einwohner und Jahr, {_gapped(list(part.years))}, nach Einwohnern: "
            f"{means}), und die eigene Abweichung der Gemeinde davon im selben Zeitraum, "
            "gedämpft nach ihrer Größe "
            f"({factors}; gemessen an allen Gemeinden, {_years(list(before))} gegen "
            f"{_years(list(after))}) und danach wie die des Kreises. Beides ohne die "
            "Unterschiede im natürlichen Saldo, den die Vorausberechnung mit den Niveaus des "
            "Kreises und der eigenen Altersstruktur schätzt; kleine Gemeinden verlieren seit "
            "Jahren Einwohner an die größeren ihres Kreises."
        )
    residual = "Salden nach der Residualmethode (Veränderung minus natürlicher Saldo)"
    residual += ", nach 2015 geschätzt." if proj.base_year > 2015 else "."
    parts.append(residual)
    if proj.calibrated_until:
        parts[-1] += (
            f" Bis {proj.calibrated_until} trifft die Vorausberechnung die beobachteten "
            f"Einwohnerzahlen ({basis_name(proj.line)}; fehlende Jahre dazwischen "
            "geometrisch interpoliert"
            + (
                "; die Gemeinden je Jahr auf die Zahl ihres Kreises angeglichen"
                if gemeinden
                else ""
            )
            + "); die Annahmen setzen dort an."
        )
    bases = ki.kreis_bases(ctx)
    if gemeinden or len(bases) < 2:
        by_age = (
            "die Differenz zum angenommenen Saldo mit dem Altersprofil des Wanderungssaldos "
            "Deutschlands 2015 (Zuwanderung über die Grenze)."
        )
    else:
        first, last = bases[0], bases[-1]
        by_age = (
            f"Deutschlands Saldo nach einzelnen Altersjahren wie {first + 1}–{last} beobachtet "
            f"(Bevölkerung Deutschlands {last} minus die von {first} ohne Wanderungen "
            "fortgeschrieben), der Unterschied zu den Wanderungen wie 2015 je Einwohner auf "
            "alle Kreise verteilt; was einem Kreis dann noch zu seinem Saldo fehlt (seine "
            "Abweichung), mit dem Altersprofil seiner Zuziehenden 2015."
        )
    # a Gemeinde's own 2015 in-moves keep those in transit: what its level differs from its
    # 2015 moves by comes with Germany's 2015 balance, the profile they would leave with
    moved_in = "" if gemeinden else _without_transit(ctx)
    whose = "der Gemeinde" if gemeinden else "Deutschlands"
    parts.append(
        "Nach Alter und Geschlecht: Fortziehende mit den Fortzugsraten 2015 ihrer Altersgruppe, "
        f"Zuziehende wie 2015{moved_in}, {by_age} Innerhalb ihrer Altersgruppe sind die "
        f"Zuziehenden wie die Bevölkerung {whose} im jeweiligen Jahr verteilt."
    )
    if ages := f"{_children(ctx)}{_adults(ctx)}".strip():
        parts.append(ages)
    parts.append(
        "Die Varianten unterscheiden sich nur im Wanderungssaldo Deutschlands (und damit, über "
        "die Abweichungen, in seiner Verteilung)."
    )
    return tuple(parts)


def _without_transit(ctx: Context) -> str:
    """The in-movers of 2015 leave out those in transit at its end (`asm.without_transit`)."""
    leaving = ki.first_plan(ctx).leaving
    if leaving is None or leaving.sum() <= 0:
        return ""
    return (
        f" ohne die {format_de(float(leaving.sum()), 0)} Personen, die Ende 2015 nur auf der "
        "Durchreise waren (vor allem in Erstaufnahmeeinrichtungen; mit dem Altersprofil des "
        "Wanderungssaldos Deutschlands 2015)"
    )


def _adults(ctx: Context) -> str:
    """How the adults' moves are spread within their groups (`kreis_inputs.national_moves`)."""
    w = ki.national_moves(ctx).mobility
    shaped = [(lo, hi) for lo, hi in inputs.MOVE_BANDS if hi and lo >= 18 and np.ptp(w[lo:hi]) > 0]
    if not shaped:
        return ""
    bases = ki.kreis_bases(ctx)
    lo, hi = shaped[-1]
    return (
        f" Unter den {shaped[0][0]}- bis {hi - 1}-Jährigen ziehen Jüngere häufiger um: "
        f"innerhalb jeder Altersgruppe ({', '.join(f'{a}–{b - 1}' for a, b in shaped)}) "
        f"wie der Wanderungssaldo Deutschlands {bases[0] + 1}–{bases[-1]} je Einwohner "
        f"ihres Alters, ein {lo}-Jähriger {format_de(w[lo] / w[hi - 1], 1)}-mal so oft wie "
        f"ein {hi - 1}-Jähriger."
    )


def _children(ctx: Context) -> str:
    """How the under-18s' moves are spread over their ages (`child_moves`)."""
    m = ki.child_mobility(ctx)
    if m.scale == 0:
        return ""
    w = m.weights()
    base = ki.first_base(ctx)
    return (
        " Innerhalb der unter 18-Jährigen ziehen jüngere Kinder mit ihren Eltern häufiger um: "
        f"Zu- und Fortziehende nach Alter wie {format_de(m.floor, 2)} + "
        f"{format_de(m.scale, 2)} · e^(−{format_de(m.alpha, 3)} · Alter), ein Neugeborenes "
        f"{format_de(w[0] / w[15], 1)}-mal so oft wie ein 15-Jähriger (geschätzt aus den "
        f"Kindern jedes Kreises am 31.12.{base} je Geborene ihres Jahrgangs, "
        f"{m.kreise} Kreise)."
    )


def _migration_tables(ctx: Context, proj: Projection) -> str:
    """The moves, events and population tables the migration rests on: the Kreis population
    up to the last year with Kreis events (the residual history), the areas' own (Gemeinden),
    and the Kreis population after it (a later base)."""
    last = asm.last_events(ctx)
    kreise = sorted({k[:5] for k in proj.keys})
    codes = [ctx.table("moves_kreis"), *_population_tables(ctx, kreise, None, last)]
    codes += [ctx.table("births"), ctx.table("deaths"), load_frame().source["publisher"]]
    if proj.plan.fit.gamma:
        codes.append(ctx.table("employment_residence"))  # the Kreise's exposure
    if level_of(proj.keys[0]) == "kreis" and len(ki.kreis_bases(ctx)) > 1:
        codes.append(ctx.table("age_single_years"))  # Germany's balance by age
    if level_of(proj.keys[0]) == "gemeinde":
        codes += [asm.moves_table(ctx, proj.keys), *_population_tables(ctx, proj.keys, None, last)]
    if proj.base_year > last:
        codes += _population_tables(ctx, kreise, last, proj.base_year)
    return ", ".join(dict.fromkeys(codes))


def _population_tables(ctx: Context, keys: list[str], after: int | None, until: int) -> list[str]:
    """The tables of the observed totals of `keys` in the years after `after` up to `until`,
    in the order of the role `population`."""
    which = ctx.population().tables
    years = [y for y in which.columns if (after is None or y > after) and y <= until]
    cells = which.reindex(index=keys, columns=years).to_numpy(dtype=object).ravel()
    used = {str(t) for t in cells if not pd.isna(t)}
    return [t for t in roles.tables("population") if t in used]


def area_levels(proj: Projection, i: int) -> dict:
    lv, plan = proj.levels, proj.plan
    # the first year whose migration is assumed, not met: after the last observed total
    rates = proj.runs["main"].migration_rates()
    first = min((proj.calibrated_until or proj.base_year) + 1, max(rates))
    return {
        "mortality_level_male": round(float(lv.mortality[i, 0]), 4),
        "mortality_level_female": round(float(lv.mortality[i, 1]), 4),
        "fertility_level": round(float(lv.fertility[i]), 4),
        "level_replaced_by_germany": bool(lv.pooled[i]),
        "deaths_observed": float(np.nansum(lv.deaths[i])),
        "deaths_expected": round(float(np.nansum(lv.expected_deaths[i])), 1),
        "births_observed": float(lv.births[i]),
        "births_expected": round(float(lv.expected_births[i]), 1),
        "migration_deviation_per_1000": round(float(plan.deviation[i]) * 1000, 3),
        "first_assumed_year": first,
        "net_migration_per_1000_first_year": round(float(rates[first][i]) * 1000, 3),
    }
