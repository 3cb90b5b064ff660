"""`data/outlook.toml` read through the typed record loader: a wrong type is an error at its
line (issue 17; before, "drei" or 2.5 for an age were accepted and failed later, a string
"false" for `table` was true, and an unknown field gave Python's TypeError text)."""

from __future__ import annotations

import pytest

from dwk.core.errors import ConfigError
from dwk.core.paths import data_dir
from dwk.projection.outlook import load_groups

OUTLOOK = data_dir() / "outlook.toml"
FIRST = (
    'id = "vorausberechnung_0_2"\nlabel = "0 bis 2 Jahre (Krippenalter)"\nage_from = 0\nage_to = 3'
)

CASES = {
    "age_as_word": ("age_to = 3", 'age_to = "drei"',
                    "Altersgruppe Nr. 2: age_to muss eine ganze Zahl sein, nicht der Text 'drei'"),
    "age_as_float": ("age_to = 3", "age_to = 2.5",
                     "Altersgruppe Nr. 2: age_to muss eine ganze Zahl sein, nicht 2.5"),
    "bool_as_text": ("age_to = 3", 'age_to = 3\ntable = "false"',
                     "Altersgruppe Nr. 2: table muss true oder false (ohne Anführungszeichen) sein, "
                     "nicht der Text 'false'"),
    "upper_below_lower": ("age_to = 3", "age_to = 0",
                          "Altersgruppe Nr. 2: age_to muss größer als age_from sein (das Alter age_to "
                          "gehört nicht mehr zur Gruppe)"),
    "unknown_field": ("age_to = 3", "age_to = 3\nalter_bis = 3",
                      "Altersgruppe Nr. 2: unbekanntes Feld 'alter_bis' (möglich: id, label, "
                      "age_from, age_to, table)"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_group_field_of_the_wrong_type_is_an_error_at_its_line(tmp_path, case):
    old, new, message = CASES[case]
    text = OUTLOOK.read_text("utf-8")
    assert FIRST in text  # the second [[group]] of the shipped file
    edited = text.replace(FIRST, FIRST.replace(old, new))
    path = tmp_path / "outlook.toml"
    path.write_text(edited, "utf-8")
    changed = next(x for x in new.split("\n") if x not in text.split("\n"))
    line = edited.split("\n").index(changed) + 1
    with pytest.raises(ConfigError) as err:
        load_groups(path)
    assert str(err.value) == f"{path}:{line}: {message}"


def test_the_shipped_groups_read():
    groups = load_groups(OUTLOOK)
    # [[group]] 1: vorausberechnung_insgesamt, age_from = 0, no age_to; 2: 0 bis 2 Jahre
    assert (groups[0].id, groups[0].age_from, groups[0].age_to) == (
        "vorausberechnung_insgesamt",
        0,
        None,
    )
    assert (groups[1].age_from, groups[1].age_to, groups[1].table) == (0, 3, True)
