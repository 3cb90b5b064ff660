"""Codebook fields checked by type, with the line of the offending key (issue 17).

Each case edits one line of the shipped codebook; the expected line is found in the edited
text, and the message is the whole one the CLI prints. Before the typed loader, `"false"` was
read as true, `18.9` as 18, `"achtzehn"` and a list ended in tracebacks, and two answers with
the same code were accepted.
"""

from __future__ import annotations

import pytest

from dwk.core.errors import ConfigError
from dwk.core.paths import data_dir
from dwk.survey.codebook import load_codebook

CODEBOOK = data_dir() / "surveys" / "buergerbefragung.toml"


def _line(text: str, fragment: str) -> int:
    [n] = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return n


CASES = {
    # synthetic = true  → the string "false" would have labelled a synthetic survey real
    "string_for_bool": (
        ("synthetic = true", 'synthetic = "false"'),
        "[survey]: synthetic muss true oder false (ohne Anführungszeichen) sein, "
        "nicht der Text 'false'",
    ),
    "float_min_age": (
        ("min_age = 18", "min_age = 18.9"),
        "[survey]: min_age muss eine ganze Zahl sein, nicht 18.9",
    ),
    "word_min_age": (
        ("min_age = 18", 'min_age = "achtzehn"'),
        "[survey]: min_age muss eine ganze Zahl sein, nicht der Text 'achtzehn'",
    ),
    "list_for_scalar": (
        ('column = "S2"', 'column = ["S2", "S3"]'),
        "[respondent.sex]: column muss Text sein, nicht eine Liste",
    ),
    "list_of_numbers_as_labels": (
        ('labels = ["stimme gar nicht zu"', 'labels = [1, "stimme gar nicht zu"'),
        "[scale.zustimmung]: labels enthält 1; erlaubt ist nur Text",
    ),
    # codes = ["A1", "A2", "A3", "A4", "A5"]: A1 twice → one answer would stand for two codes
    "duplicate_code": (
        ('codes = ["A1", "A2"', 'codes = ["A1", "A1"'),
        "Skala zustimmung: Antwort 'A1' steht für zwei Codes (1 und 2)",
    ),
    "duplicate_code_case": (
        ('codes = ["A1", "A2"', 'codes = ["A1", "a1"'),
        "Skala zustimmung: Antwort 'a1' steht für zwei Codes (1 und 2)",
    ),
    "duplicate_respondent_answer": (
        ('"A2" = "weiblich"', '"a1" = "weiblich"'),
        "[respondent.sex]: eine Antwort steht doppelt in values",
    ),
    "item_reverse_as_string": (
        ('polarity = "zustimmung_guenstig"\n\n[[item]]\nid = "lo_bleiben"',
         'polarity = "zustimmung_guenstig"\nreverse = "false"\n\n[[item]]\nid = "lo_bleiben"'),
        "[[item]] Nr. 1: reverse muss true oder false (ohne Anführungszeichen) sein, "
        "nicht der Text 'false'",
    ),
    "min_age_out_of_range": (
        ("min_age = 18", "min_age = 180"),
        "[survey]: min_age 180 liegt nicht zwischen 0 und 120",
    ),
    "unknown_field": (
        ("min_age = 18", "min_age = 18\nmindestalter = 18"),
        "[survey]: unbekanntes Feld 'mindestalter' (möglich: title, source, period, population, "
        "min_age, synthetic)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_codebook_field_of_the_wrong_type_is_an_error_at_its_line(tmp_path, case):
    (old, new), message = CASES[case]
    text = CODEBOOK.read_text("utf-8")
    assert text.count(old) == 1
    edited = text.replace(old, new)
    path = tmp_path / "codebook.toml"
    path.write_text(edited, "utf-8")
    line = _line(
        edited,
        new.split("\n")[1]
        if new.startswith("min_age = 18\n")
        else next(x for x in new.split("\n") if x and x not in text.split("\n")),
    )
    with pytest.raises(ConfigError) as err:
        load_codebook(path)
    assert str(err.value) == f"{path}:{line}: {message}"


def test_the_shipped_codebook_reads_with_its_types():
    book = load_codebook(CODEBOOK)
    # [survey] min_age = 18, synthetic = true; of the 17 [[item]]s only di_sicher (the last)
    # has `reverse = true`, the others leave it out → False
    assert book.min_age == 18 and book.synthetic is True
    assert [i.reverse for i in book.items] == [False] * 16 + [True]
    assert book.items[0].scale.codes == ("A1", "A2", "A3", "A4", "A5")
