"""The TOML loaders of data/ read through `dwk.core.toml_records` (issue 16): a wrong type, a
missing key or a value outside its choices is one `ConfigError` naming file, line and record.

Each case writes a small file into tmp_path; the expected line is counted by hand in the text
below (the numbers in the comments), never searched for by the test. Before the port, `key =
14523010` became the text "14523010", `verbatims = "false"` and `table = "false"` raised or
were read as true, `min_count = 18.9` was kept as a float, and a missing key of
key_changes.toml or outlook.toml was a traceback (KeyError, or TypeError's English text).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dwk.areas import _read_members
from dwk.core.errors import ConfigError
from dwk.dynamics.life_phases import LifePhase, load_life_phases
from dwk.indicators.catalogue import INDICATOR, IndicatorDef, load_catalogue
from dwk.inputs.censuses import load_censuses
from dwk.key_changes import read_changes
from dwk.projection.outlook import GROUP, OutlookGroup, load_groups
from dwk.roles import load_roles

# --- data/areas.toml ------------------------------------------------------------------------

AREAS = """\
# two members; the first has two surveys
[[area]]
slug = "adorf"
name = "Adorf/Vogtl."
type = "Stadt"
key = "14523010"
level = "gemeinde"
land = "14"
kreis = "14523"
member = "adorf"
references = ["14523", "14", "DG", "members"]

[[area.survey]]
file = "a.csv"
codebook = "a.toml"

[[area.survey]]
file = "b.csv"
codebook = "a.toml"
verbatims = true

[[area]]
slug = "riesa"
name = "Riesa"
type = "Stadt"
key = "14627230"
level = "gemeinde"
land = "14"
kreis = "14627"
member = "riesa"
references = ["14627", "14", "DG"]

[[area.survey]]
file = "r.csv"
codebook = "a.toml"
min_cell = 10
"""
# line 2 [[area]] (adorf) · 3 slug · 6 key · 7 level · 13 [[area.survey]] · 17 [[area.survey]]
# · 20 verbatims = true · 22 [[area]] (riesa) · 23 slug · 33 [[area.survey]] (riesa's first)
# · 36 min_cell = 10

AREA_CASES = {
    # the second area's first survey: [[area.survey]] counted per area, not through the file
    "min_cell_text": (
        ("min_cell = 10", 'min_cell = "10"'), 36,
        'Gebiet Nr. 2, [[area.survey]] Nr. 1: min_cell muss eine ganze Zahl sein, nicht der '
        "Text '10'",
    ),
    "min_cell_float": (
        ("min_cell = 10", "min_cell = 18.9"), 36,
        "Gebiet Nr. 2, [[area.survey]] Nr. 1: min_cell muss eine ganze Zahl sein, nicht 18.9",
    ),
    "min_cell_zero": (
        ("min_cell = 10", "min_cell = 0"), 36,
        "Gebiet Nr. 2, [[area.survey]] Nr. 1: min_cell muss eine ganze Zahl ≥ 1 sein",
    ),
    "verbatims_text": (
        ("verbatims = true", 'verbatims = "false"'), 20,
        "Gebiet Nr. 1, [[area.survey]] Nr. 2: verbatims muss true oder false (ohne "
        "Anführungszeichen) sein, nicht der Text 'false'",
    ),
    # no codebook in the second survey of adorf: its [[area.survey]] header
    "survey_missing_codebook": (
        ('file = "b.csv"\ncodebook = "a.toml"\n', 'file = "b.csv"\n'), 17,
        "Gebiet Nr. 1, [[area.survey]] Nr. 2: codebook fehlt",
    ),
    "survey_unknown_field": (
        ("min_cell = 10", "mincell = 10"), 36,
        "Gebiet Nr. 2, [[area.survey]] Nr. 1: unbekanntes Feld 'mincell' (möglich: file, "
        "codebook, verbatims, min_cell)",
    ),
    # a key as a number would lose nothing here, but 01051 would: never converted
    "key_number": (
        ('key = "14523010"', "key = 14523010"), 6,
        "Gebiet Nr. 1: key muss Text sein, nicht 14523010",
    ),
    "level_not_a_choice": (
        ('level = "gemeinde"\nland = "14"\nkreis = "14627"', 'level = "land"\nland = "14"\n'
         'kreis = "14627"'), 27,
        "Gebiet Nr. 2: level 'land' ist nicht erlaubt (möglich: gemeinde, kreis)",
    ),
    # missing keys point at the record's [[area]] line and are all named at once
    "missing_keys": (
        ('slug = "riesa"\nname = "Riesa"\n', ""), 22,
        "Gebiet Nr. 2: es fehlen slug, name",
    ),
    "bad_slug": (('slug = "riesa"', 'slug = "Riesa"'), 23, "Gebiet Nr. 2: ungültiger Slug 'Riesa'"),
    "duplicate_slug": (
        ('slug = "riesa"', 'slug = "adorf"'), 23, "Slugs sind nicht eindeutig: adorf",
    ),
    "references_numbers": (
        ('references = ["14627", "14", "DG"]', 'references = [14627, 14, "DG"]'), 31,
        "Gebiet Nr. 2: references enthält 14627; erlaubt ist nur Text",
    ),
    "misspelt_array": (
        ("[[area]]\nslug = \"riesa\"", "[[areas]]\nslug = \"riesa\""), 22,
        "unbekannter Abschnitt [areas] (möglich: area)",
    ),
}  # fmt: skip


def _write(tmp_path: Path, name: str, text: str, old: str = "", new: str = "") -> Path:
    if old:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _error(load, path: Path) -> str:
    with pytest.raises(ConfigError) as err:
        load(path)
    return str(err.value)


@pytest.mark.parametrize("case", sorted(AREA_CASES))
def test_areas_file_errors_name_file_line_and_area(tmp_path, case):
    (old, new), line, message = AREA_CASES[case]
    path = _write(tmp_path, "areas.toml", AREAS, old, new)
    assert _error(_read_members, path) == f"{path}:{line}: {message}"


def test_the_areas_file_reads_as_before(tmp_path):
    path = _write(tmp_path, "areas.toml", AREAS)
    adorf, riesa = _read_members(path)
    assert adorf.key == "14523010" and adorf.references == ("14523", "14", "DG", "members")
    assert [(s.file.name, s.verbatims, s.min_cell) for s in adorf.surveys] == [
        ("a.csv", False, 10),
        ("b.csv", True, 10),
    ]
    assert riesa.description == "" and riesa.surveys[0].file == tmp_path / "r.csv"


CHANGES = """\
[[change]]
new = "13076"
old = ["13054", "13060"]
level = "kreis"
date = "2011-09-04"
kind = "Zusammenschluss"
"""
# line 1 [[change]] · 2 new · 3 old · 4 level · 5 date · 6 kind

CHANGE_CASES = {
    "new_number": (
        ('new = "13076"', "new = 13076"), 2,
        "Schlüsseländerung Nr. 1: new muss Text sein, nicht 13076",
    ),
    "old_text": (
        ('old = ["13054", "13060"]', 'old = "13054"'), 3,
        "Schlüsseländerung Nr. 1: old muss eine Liste [ … ] sein, nicht der Text '13054'",
    ),
    "bad_date": (
        ('date = "2011-09-04"', 'date = "2011-13-04"'), 5,
        "Schlüsseländerung Nr. 1: date muss ein Datum JJJJ-MM-TT sein",
    ),
    "missing_kind": (
        ('kind = "Zusammenschluss"\n', ""), 1, "Schlüsseländerung Nr. 1: kind fehlt",
    ),
    "level_not_a_choice": (
        ('level = "kreis"', 'level = "Kreis"'), 4,
        "Schlüsseländerung Nr. 1: level 'Kreis' ist nicht erlaubt (möglich: de, land, rb, "
        "kreis, verband, gemeinde)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CHANGE_CASES))
def test_key_changes_file_errors_name_file_line_and_change(tmp_path, case):
    (old, new), line, message = CHANGE_CASES[case]
    path = _write(tmp_path, "key_changes.toml", CHANGES, old, new)
    assert _error(read_changes, path) == f"{path}:{line}: {message}"


def test_a_toml_date_reads_as_the_same_text(tmp_path):
    """`date = 2011-09-04` (a TOML date) and `"2011-09-04"` give the same KeyChange."""
    quoted = read_changes(_write(tmp_path, "a.toml", CHANGES))
    bare = read_changes(_write(tmp_path, "b.toml", CHANGES, '"2011-09-04"', "2011-09-04"))
    assert quoted == bare and quoted[0].date == "2011-09-04"


# --- data/catalogue.toml --------------------------------------------------------------------

CATALOGUE = """\
# one indicator
[[indicator]]
id = "bevoelkerung"
label = "Bevölkerung"
topic = "Bevölkerungsstand"
unit = "Personen"
formula = "Einwohner am 31.12."
polarity = "neutral"
min_count = 0
decimals = 0
levels = ["kreis", "gemeinde"]
source = "12411"
"""
# line 2 [[indicator]] · 3 id · 8 polarity · 9 min_count · 10 decimals · 11 levels

CATALOGUE_CASES = {
    "min_count_float": (
        ("min_count = 0", "min_count = 18.9"), 9,
        "Indikator bevoelkerung: min_count muss eine ganze Zahl sein, nicht 18.9",
    ),
    "decimals_text": (
        ("decimals = 0", 'decimals = "0"'), 10,
        "Indikator bevoelkerung: decimals muss eine ganze Zahl sein, nicht der Text '0'",
    ),
    "polarity_not_a_choice": (
        ('polarity = "neutral"', 'polarity = "gut"'), 8,
        "Indikator bevoelkerung: polarity 'gut' ist nicht erlaubt (möglich: hoeher_guenstig, "
        "niedriger_guenstig, neutral)",
    ),
    "level_not_a_choice": (
        ('levels = ["kreis", "gemeinde"]', 'levels = ["kreis", "gemeinden"]'), 11,
        "Indikator bevoelkerung: levels 'gemeinden' ist nicht erlaubt (möglich: de, land, rb, "
        "kreis, verband, gemeinde)",
    ),
    # without an id the record is named by its number
    "missing_id": (('id = "bevoelkerung"\n', ""), 2, "Indikator Nr. 1: id fehlt"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CATALOGUE_CASES))
def test_catalogue_errors_name_file_line_and_indicator(tmp_path, case):
    (old, new), line, message = CATALOGUE_CASES[case]
    path = _write(tmp_path, "catalogue.toml", CATALOGUE, old, new)
    assert _error(load_catalogue, path) == f"{path}:{line}: {message}"


def test_catalogue_schema_names_every_field_of_the_definition():
    assert list(INDICATOR) == list(IndicatorDef.__dataclass_fields__)


# --- data/outlook.toml ----------------------------------------------------------------------

OUTLOOK = """\
[[group]]
id = "vorausberechnung_insgesamt"
label = "Bevölkerung insgesamt"
age_from = 0

[[group]]
id = "vorausberechnung_unter_6"
label = "unter 6 Jahre"
age_from = 0
age_to = 6
table = false
"""
# line 1 [[group]] · 4 age_from · 6 [[group]] · 9 age_from · 10 age_to · 11 table

OUTLOOK_CASES = {
    "table_text": (
        ("table = false", 'table = "false"'), 11,
        "Altersgruppe Nr. 2: table muss true oder false (ohne Anführungszeichen) sein, nicht "
        "der Text 'false'",
    ),
    "age_from_text": (
        ("age_from = 0\n\n", 'age_from = "0"\n\n'), 4,
        "Altersgruppe Nr. 1: age_from muss eine ganze Zahl sein, nicht der Text '0'",
    ),
    "age_to_float": (
        ("age_to = 6", "age_to = 5.5"), 10,
        "Altersgruppe Nr. 2: age_to muss eine ganze Zahl sein, nicht 5.5",
    ),
    "empty_range": (
        ("age_to = 6", "age_to = 0"), 10,
        "Altersgruppe Nr. 2: age_to muss größer als age_from sein (das Alter age_to gehört "
        "nicht mehr zur Gruppe)",
    ),
    # was TypeError's own text: "OutlookGroup.__init__() missing 1 required positional …"
    "missing_age_from": (
        ("age_from = 0\n\n", "\n"), 1, "Altersgruppe Nr. 1: age_from fehlt",
    ),
    "unknown_field": (
        ("table = false", "tabelle = false"), 11,
        "Altersgruppe Nr. 2: unbekanntes Feld 'tabelle' (möglich: id, label, age_from, age_to, "
        "table)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(OUTLOOK_CASES))
def test_outlook_errors_name_file_line_and_group(tmp_path, case):
    (old, new), line, message = OUTLOOK_CASES[case]
    path = _write(tmp_path, "outlook.toml", OUTLOOK, old, new)
    assert _error(load_groups, path) == f"{path}:{line}: {message}"


def test_outlook_schema_names_every_field_of_the_group(tmp_path):
    assert list(GROUP) == list(OutlookGroup.__dataclass_fields__)
    total, under_6 = load_groups(_write(tmp_path, "outlook.toml", OUTLOOK))
    assert (total.age_to, total.table, under_6.age_to, under_6.table) == (None, True, 6, False)


# --- data/life_phases.toml ------------------------------------------------------------------

PHASES = """\
[[phase]]
id = "bildungswanderung"
label = "Bildungswanderung"
age_label = "18 bis 24 Jahre"
bands = ["18-25"]
wegweiser = "Wanderungssaldo der 18- bis 24-Jährigen"
mapping = "deckungsgleich"
"""
# line 1 [[phase]] · 5 bands · 7 mapping

PHASE_CASES = {
    "bands_text": (
        ('bands = ["18-25"]', 'bands = "18-25"'), 5,
        "Lebensphase bildungswanderung: bands muss eine Liste [ … ] sein, nicht der Text "
        "'18-25'",
    ),
    "bands_empty": (
        ('bands = ["18-25"]', "bands = []"), 5, "Lebensphase bildungswanderung: bands ist leer",
    ),
    "unknown_band": (
        ('bands = ["18-25"]', 'bands = ["18-25", "20-30"]'), 5,
        "Lebensphase bildungswanderung: Altersgruppen 20-30 gibt es in den Wanderungstabellen "
        "nicht",
    ),
    "missing_mapping": (
        ('mapping = "deckungsgleich"\n', ""), 1, "Lebensphase bildungswanderung: mapping fehlt",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PHASE_CASES))
def test_life_phase_errors_name_file_line_and_phase(tmp_path, case):
    (old, new), line, message = PHASE_CASES[case]
    path = _write(tmp_path, "life_phases.toml", PHASES, old, new)
    assert _error(load_life_phases, path) == f"{path}:{line}: {message}"


def test_life_phase_reads_as_before(tmp_path):
    [phase] = load_life_phases(_write(tmp_path, "life_phases.toml", PHASES))
    assert phase == LifePhase(
        "bildungswanderung",
        "Bildungswanderung",
        "18 bis 24 Jahre",
        ("18-25",),
        "Wanderungssaldo der 18- bis 24-Jährigen",
        "deckungsgleich",
    )


# --- data/roles.toml ------------------------------------------------------------------------

ROLES = """\
# which table serves which role
[population]
label = "Bevölkerung am 31.12."
tables = ["12411-0015", "12411-01-01-4"]
levels = ["kreis", "gemeinde"]

[births]
tables = ["12612-01-01-4"]
"""
# line 2 [population] · 3 label · 4 tables · 5 levels · 7 [births] · 8 tables

ROLE_CASES = {
    "tables_numbers": (
        ('tables = ["12612-01-01-4"]', "tables = [12612]"), 8,
        "Rolle 'births': tables enthält 12612; erlaubt ist nur Text",
    ),
    "tables_empty": (
        ('tables = ["12612-01-01-4"]', "tables = []"), 8, "Rolle 'births': tables ist leer",
    ),
    "missing_tables": (
        ('tables = ["12612-01-01-4"]\n', 'label = "Lebendgeborene"\n'), 7,
        "Rolle 'births': tables fehlt",
    ),
    "level_not_a_choice": (
        ('levels = ["kreis", "gemeinde"]', 'levels = ["landkreis"]'), 5,
        "Rolle 'population': levels 'landkreis' ist nicht erlaubt (möglich: de, land, rb, "
        "kreis, verband, gemeinde)",
    ),
    "label_number": (
        ('label = "Bevölkerung am 31.12."', "label = 31.12"), 3,
        "Rolle 'population': label muss Text sein, nicht 31.12",
    ),
    # a key before the first table is a role of its own, and not a table
    "not_a_table": (
        ("# which table serves which role", 'deaths = "12613-01-01-4"'), 1,
        "Rolle 'deaths' muss eine Tabelle sein",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ROLE_CASES))
def test_role_errors_name_file_line_and_role(tmp_path, case):
    (old, new), line, message = ROLE_CASES[case]
    path = _write(tmp_path, "roles.toml", ROLES, old, new)
    assert _error(load_roles, path) == f"{path}:{line}: {message}"


def test_roles_read_as_before(tmp_path):
    roles = load_roles(_write(tmp_path, "roles.toml", ROLES)).roles
    assert roles["population"].levels == ("kreis", "gemeinde")
    assert (roles["births"].label, roles["births"].tables, roles["births"].levels) == (
        "births",
        ("12612-01-01-4",),
        (),
    )


# --- data/censuses.toml ---------------------------------------------------------------------

CENSUSES = """\
# the censuses
[zensus2011]
label = "Zensus 2011"
date = "2011-05-09"
first = "2011-12-31"
role = "census_2011"
"""
# line 2 [zensus2011] · 3 label · 4 date · 5 first · 6 role


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ('date = "2011-05-09"', 'date = "09.05.2011"', 4,
         "Zensus 'zensus2011': date muss ein Datum JJJJ-MM-TT sein"),
        ('first = "2011-12-31"', 'first = "2010-12-31"', 5,
         "Zensus 'zensus2011': first (2010-12-31) liegt nicht nach date (2011-05-09)"),
        ('role = "census_2011"\n', "", 2, "Zensus 'zensus2011': role fehlt"),
    ],
)  # fmt: skip
def test_census_errors_name_file_and_line(tmp_path, old, new, line, message):
    path = _write(tmp_path, "censuses.toml", CENSUSES, old, new)
    assert _error(load_censuses, path) == f"{path}:{line}: {message}"


def test_shipped_censuses():
    """The census facts: Zensus 2011 on 09.05.2011, the Fortschreibung on its basis from
    31.12.2011; Zensus 2022 on 15.05.2022, from 31.12.2022; each count in its role's table."""
    got = [(c.basis, c.date, c.year, c.tables) for c in load_censuses()]
    assert got == [
        ("zensus2011", "2011-05-09", 2011, ("12111-01-01-5",)),
        ("zensus2022", "2022-05-15", 2022, ("1000A-0000",)),
    ]
