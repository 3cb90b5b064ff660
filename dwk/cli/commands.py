"""The commands of `dwk`: each parses its arguments and calls one library function. Heavy
libraries are imported inside the commands so that `dwk --help` stays fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dwk.cli.german import GermanCommand, GermanGroup
from dwk.cli.options import format_option
from dwk.cli.progress import progress
from dwk.core.errors import DwkError
from dwk.fetch.source import Source

app = typer.Typer(
    help="Kommunalprofile (demografische Profile mit SWOT) aus amtlichen Tabellen.",
    no_args_is_help=True,
    add_completion=False,
    cls=GermanGroup,
)


def _group(text: str) -> typer.Typer:
    return typer.Typer(help=text, no_args_is_help=True, cls=GermanGroup)


data_app = _group("Amtliche Tabellen in den Datenbestand übernehmen.")
profile_app = _group("Kommunalprofile bauen.")
survey_app = _group("Örtliche Befragungen auswerten.")
swot_app = _group("Die SWOT prüfen: Review-Dateien je Gebiet.")
export_app = _group("Exporte für die Austauschtreffen.")
app.add_typer(data_app, name="data")
app.add_typer(swot_app, name="swot")
app.add_typer(export_app, name="export")
app.add_typer(profile_app, name="profile")
app.add_typer(survey_app, name="survey")
_DEBUG = {"on": False}
# the areas a command is asked for, by slug, key or name
Areas = Annotated[
    list[str] | None, typer.Argument(help="Slug, Schlüssel oder Name", metavar="[GEBIET]...")
]


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Tracebacks zeigen.")] = False,
) -> None:
    _DEBUG["on"] = debug


def _open():
    from dwk.areas import Registry
    from dwk.store import Store

    store = Store.open()
    return store, Registry.load(store)


@app.command(cls=GermanCommand)
def areas() -> None:
    """Die bekannten Gebiete: die DWK-Mitglieder, dann Zahl der Kreise und Gemeinden.

    Beispiel: dwk areas
    """
    _, registry = _open()
    for a in registry.members:
        typer.echo(f"{a.slug:<14} {a.key:<9} {a.type:<17} {a.name}")
    kreise, gemeinden = (len(registry.keys_at(level)) for level in ("kreis", "gemeinde"))
    typer.echo(
        f"außerdem {kreise} Kreis- und {gemeinden} Gemeindeschlüssel der Tabellen und des "
        "Gemeindeverzeichnisses, auch früherer Gebietsstände, z. B. dwk profile build 01051011"
    )


@data_app.command("import", cls=GermanCommand)
def data_import(
    files: Annotated[
        list[Path],
        typer.Argument(help="GENESIS-CSV, Flatfile oder GV (CSV, XLSX)", metavar="DATEI..."),
    ],
    table: Annotated[
        str | None,
        typer.Option(
            "--table", help="Tabellencode einer Datei ohne Titelzeilen, z. B. 12411-0015."
        ),
    ] = None,
) -> None:
    """Tabellen lesen und in den Datenbestand übernehmen; eine fehlerhafte Datei ändert nichts.

    Beispiel: dwk data import 12411-01-01-4.csv; dwk data import kreise.csv --table 12411-0015
    """
    from dwk.sources.tables.basis import summary
    from dwk.store import Store

    store = Store.open()
    for meta in store.import_files(files, table=table):
        typer.echo(
            f"{meta.source_file}: Tabelle {meta.code}, {len(meta.periods)} Stichtag(e), Stand {meta.stand or '–'}"
        )
        for warning in meta.warnings:
            typer.echo(f"  Hinweis: {warning}")
        if line := summary(meta):
            typer.echo(f"  {line}")


@data_app.command("status", cls=GermanCommand)
def data_status(
    fmt: Annotated[str, format_option("table", "json")] = "table",
) -> None:
    """Was der Datenbestand je Rolle enthält und welche Zahlen der Mitglieder veraltet sind.

    Je Rolle der neueste Stichtag und die Zensusbasis, je Mitglied die veralteten Zahlen.

    Beispiel: dwk data status
    """
    from dwk.app.data_status import data_status as status
    from dwk.app.data_status import write_status

    store, registry = _open()
    write_status(status(store, registry), fmt, sys.stdout)


@data_app.command("fetch", cls=GermanCommand)
def data_fetch(
    tables: Annotated[
        list[str], typer.Argument(help="Tabellencodes, z. B. 12411-0015", metavar="TABELLE...")
    ],
    source: Annotated[Source, typer.Option("--source", help="Datenbank")] = Source.genesis,
    from_year: Annotated[int | None, typer.Option("--from", help="Erstes Jahr.")] = None,
    to_year: Annotated[int | None, typer.Option("--to", help="Letztes Jahr.")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Nur Gebiete in diesem Schlüssel (z. B. 05).")
    ] = None,
    api_url: Annotated[
        str | None, typer.Option("--api-url", help="Andere Adresse der REST-API 2020.")
    ] = None,
) -> None:
    """Tabellen über die GENESIS-REST-API abrufen und wie heruntergeladene übernehmen.

    Zugangsdaten aus DWK_GENESIS_TOKEN oder DWK_GENESIS_USER und DWK_GENESIS_PASSWORD.

    Beispiel: dwk data fetch 12411-0015 --from 2020 --to 2024
    """
    from dwk.fetch.run import fetch_tables

    for got in fetch_tables(
        tables, source, from_year=from_year, to_year=to_year, region=region, api_url=api_url
    ):
        typer.echo(
            f"{got.file}: Tabelle {got.meta.code}, {len(got.meta.periods)} Stichtag(e), "
            f"{got.requests} {'Abruf' if got.requests == 1 else 'Abrufe'}"
        )
        for warning in got.meta.warnings:
            typer.echo(f"  Hinweis: {warning}")
        if got.also_from:
            typer.echo(f"  Hinweis: Tabelle {got.meta.code} auch aus {', '.join(got.also_from)}")


@profile_app.command("build", cls=GermanCommand)
def profile_build(
    area: Areas = None,
    all_members: Annotated[bool, typer.Option("--all", help="Alle DWK-Mitglieder.")] = False,
    out: Annotated[Path, typer.Option("--out", help="Ausgabeverzeichnis.")] = Path("out"),
    fmt: Annotated[str, typer.Option("--format", help="md,html,json,pdf")] = "md,html,json",
    reviews: Annotated[
        Path | None,
        typer.Option("--reviews", help="Verzeichnis der SWOT-Reviews (sonst data/reviews)"),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="Alle Gebiete einer Ebene: kreis oder gemeinde."),
    ] = None,
    land: Annotated[
        str | None, typer.Option("--land", help="Mit --level: nur dieses Land (01–16).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, help="Mit --level: parallele Prozesse (sonst alle Kerne)."),
    ] = None,
) -> None:
    """Kommunalprofile als Markdown, HTML und JSON schreiben (für mehrere Gebiete mit index.html).

    Beispiel: dwk profile build adorf grabow --out out
    Beispiel: dwk profile build --level kreis --jobs 2
    """
    if level is not None or land is not None or jobs is not None:
        if level is None:
            raise DwkError("--land und --jobs gehören zu --level kreis|gemeinde")
        if area or all_members:
            raise DwkError("--level baut alle Gebiete einer Ebene; keine Gebiete oder --all dazu")
        _national(level, land, jobs, out, fmt, reviews)
        return
    from dwk.core.heap import long_lived

    with long_lived():  # the libraries, the store's manifest and the areas live to the end
        from dwk.app.build import build_reports, resolve_areas

        store, registry = _open()
    targets = resolve_areas(registry, area or [], all_members)
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    with progress() as bar:
        task = bar.add_task("Profile", total=len(targets))
        result = build_reports(
            store, registry, targets, out, formats, lambda a: bar.advance(task), reviews
        )
    for path in result.written:
        typer.echo(str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path))
    _summary(result.summary())
    if result.failed:
        for slug, reason in result.failed:
            typer.echo(f"fehlgeschlagen: {slug}: {reason}", err=True)
        raise typer.Exit(1 if len(targets) > 1 else 2)  # one area: its input, not a batch


def _national(
    level: str, land: str | None, jobs: int | None, out: Path, fmt: str, reviews: Path | None
) -> None:
    from dwk.app.national import build_national

    store, registry = _open()
    formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
    with progress() as bar:
        task = bar.add_task("Profile", total=None)
        result = build_national(
            store,
            registry,
            level,
            out,
            land=land,
            jobs=jobs,  # None: one per core
            formats=formats,
            review_dir=reviews,
            started=lambda total: bar.update(task, total=total),
            progress=lambda n: bar.advance(task, n),
        )
    for path in result.written:
        typer.echo(str(path))
    for line in result.lines():
        typer.echo(line, err=True)
    for o in result.failed:
        typer.echo(f"fehlgeschlagen: {o.area.key} {o.area.name}: {o.error}", err=True)
    if result.failed:
        raise typer.Exit(1)


def _summary(rows: list[tuple[str, str, str]]) -> None:
    """The batch at a glance on stderr: what failed and why, and how many notes each has."""
    if len(rows) < 2:
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Gebiet", "Ergebnis", "Hinweise / Grund", title="Zusammenfassung", box=None)
    for area, outcome, detail in rows:
        table.add_row(area, outcome, detail, style="red" if outcome == "fehlgeschlagen" else None)
    Console(stderr=True, width=120, soft_wrap=True).print(table)


@profile_app.command("diff", cls=GermanCommand)
def profile_diff(
    old: Annotated[Path, typer.Argument(help="Verzeichnis eines früheren Builds", metavar="ALT")],
    new: Annotated[Path, typer.Argument(help="Verzeichnis des neuen Builds", metavar="NEU")],
    threshold: Annotated[
        float, typer.Option(help="Kleinste Änderung eines Werts, in seiner Einheit")
    ] = 0.0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Wohin diff.md und diff.html (sonst NEU)")
    ] = None,
) -> None:
    """Was sich zwischen zwei Builds geändert hat: Indikatorwerte und SWOT-Aussagen.

    Beispiel: dwk profile diff out-2025 out
    """
    from dwk.app.diff import diff_builds, write_diff

    result = diff_builds(old, new, threshold)
    for line in result.lines():
        typer.echo(line)
    for path in write_diff(result, out or new):
        typer.echo(str(path), err=True)


@swot_app.command("review", cls=GermanCommand)
def swot_review(
    area: Annotated[str, typer.Argument(help="Slug, Schlüssel oder Name", metavar="GEBIET")],
    file: Annotated[
        Path | None, typer.Option("--file", help="Review-Datei (sonst data/reviews/<slug>.toml)")
    ] = None,
) -> None:
    """Die SWOT-Kandidaten in die Review-Datei schreiben oder sie dort auf den neuen Stand bringen.

    Beispiel: dwk swot review adorf
    """
    from dwk.app.review import update_review

    store, registry = _open()
    update = update_review(store, registry, area, file)
    for line in update.lines():
        typer.echo(line)


@export_app.command("meeting", cls=GermanCommand)
def export_meeting(
    out: Annotated[Path, typer.Option("--out", help="Ausgabeverzeichnis")] = Path("out/treffen"),
    as_zip: Annotated[bool, typer.Option("--zip", help="Zusätzlich als ZIP-Archiv")] = False,
    reviews: Annotated[
        Path | None,
        typer.Option("--reviews", help="Verzeichnis der SWOT-Reviews (sonst data/reviews)"),
    ] = None,
    pdf_timeout: Annotated[
        float,
        typer.Option("--pdf-timeout", min=1, help="Zeitlimit je PDF-Dokument in Sekunden"),
    ] = 300.0,
) -> None:
    """Das Paket für das Austauschtreffen: alle Profile, der Vergleich, Tabellen, Review-Stand.

    Beispiel: dwk export meeting --out out/treffen --zip
    """
    from dwk.app.meeting import export_meeting as run

    store, registry = _open()
    result = run(store, registry, out, as_zip, reviews, pdf_timeout)
    for line in result.lines():
        typer.echo(line, err=line.startswith("fehlgeschlagen"))
    if result.failed:
        raise typer.Exit(1)


@app.command(cls=GermanCommand)
def indicators(
    area: Areas = None,
    level: Annotated[
        str | None, typer.Option(help="kreis | gemeinde | land: alle Gebiete der Ebene")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Jahr (sonst der letzte Stichtag)")] = None,
    fmt: Annotated[str, format_option("table", "json", "csv")] = "table",
    gebietsstand: Annotated[
        str,
        typer.Option(
            help="aktuell: Gebiet von heute (wie im Profil) | jeweilig: Gebiet des Stichtags"
        ),
    ] = "aktuell",
) -> None:
    """Indikatoren ausgeben, für Gebiete oder für alle Gebiete einer Ebene.

    Beispiel: dwk indicators --level kreis --year 2015 --format json
    """
    from dwk.app.indicators import indicator_records, write_records

    store, registry = _open()
    if level is None and not area:
        raise DwkError("AREA… oder --level angeben")
    records = indicator_records(store, registry, area or [], level, year, gebietsstand)
    write_records(records, fmt, sys.stdout)


@app.command(cls=GermanCommand)
def project(
    area: Areas = None,
    level: Annotated[
        str | None, typer.Option(help="kreis | gemeinde: alle Kreise bzw. Gemeinden")
    ] = None,
    base_year: Annotated[
        int | None,
        typer.Option(
            help="Basisjahr (Kreise 2015 oder 2020, Gemeinden 2015): Stand dieses Jahres, "
            "ohne regionale Zahlen danach (Zensus-2011-Basis); ohne Angabe die neueste Basis "
            "und alle später beobachteten Einwohnerzahlen, auf der neuesten Zensusbasis"
        ),
    ] = None,
    to: Annotated[int, typer.Option(help="Zieljahr")] = 2040,
    variant: Annotated[
        list[str] | None, typer.Option(help="main | low-migration | high-migration (mehrfach)")
    ] = None,
    fmt: Annotated[str, format_option("table", "json", "csv")] = "table",
    backtest: Annotated[
        bool,
        typer.Option(
            "--backtest",
            help="Rückrechnung ab 2015 gegen die später beobachteten Einwohnerzahlen",
        ),
    ] = False,
    totals: Annotated[
        bool,
        typer.Option("--totals", help="Nur die Gesamtbevölkerung: area,variant,year,value"),
    ] = False,
) -> None:
    """Bevölkerungsvorausberechnung nach Alter und Geschlecht (Kohorten-Komponenten-Methode).

    Beispiel: dwk project dortmund --to 2040 --format csv
    """
    from dwk.app import project as pe

    store, registry = _open()
    pe.run_project(
        store,
        registry,
        area or [],
        level,
        base_year,
        to,
        variant,
        fmt,
        totals=totals,
        backtest=backtest,
        out=sys.stdout,
        err=sys.stderr,
    )


@survey_app.command("summarize", cls=GermanCommand)
def survey_summarize(
    file: Annotated[
        Path,
        typer.Argument(help="Export: LimeSurvey-CSV, SoSci-Datei oder SPSS .sav", metavar="DATEI"),
    ],
    codebook: Annotated[Path, typer.Option(help="Codebuch (TOML)")],
    area: Annotated[str, typer.Option(help="Gebiet, dessen Bevölkerung die Gewichtung vorgibt")],
    fmt: Annotated[str, format_option("table", "json")] = "table",
    min_cell: Annotated[
        int, typer.Option(help="Kleinste Gruppe, die gezeigt wird (Befragte, ungewichtet)")
    ] = 10,
    include_incomplete: Annotated[
        bool, typer.Option("--include-incomplete", help="Unvollständige Antworten mitzählen")
    ] = False,
    verbatims: Annotated[
        bool, typer.Option("--verbatims", help="Offene Antworten zeigen, geschwärzt")
    ] = False,
) -> None:
    """Eine Befragung auswerten: je Aussage Verteilung, Zustimmung mit Intervall, Gruppen.

    Beispiel: dwk survey summarize data/surveys/adorf-buergerbefragung.csv --codebook data/surveys/buergerbefragung.toml --area adorf
    """
    from dwk.app.survey import summarize_file, write_summary

    store, registry = _open()
    result = summarize_file(
        store,
        registry,
        file,
        codebook,
        area,
        min_cell=min_cell,
        include_incomplete=include_incomplete,
        verbatims=verbatims,
    )
    write_summary(result, fmt, sys.stdout)
