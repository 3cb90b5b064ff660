"""Redaction of open-text answers (docs §2): what is masked, what must stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwk.survey.redaction import redact


def test_the_docs_example():
    r = redact("Herr Müller vom Amt ist unfreundlich")
    assert r.text == "Herr [Name] vom Amt ist unfreundlich"
    assert r.replacements == 1 and r.review


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bitte an max.muster@gemeinde-x.de schreiben", "Bitte an [E-Mail] schreiben"),
        ("Frau Dr. Schmidt-Weber hilft", "Frau Dr. [Name] hilft"),
        ("mit Herrn Hans Meier gesprochen", "mit Herrn [Name] gesprochen"),
        ("Hr. Krause und Fr. Lehmann", "Hr. [Name] und Fr. [Name]"),
        ("Prof. Özdemir sagt", "Prof. [Name] sagt"),
        ("Ich wohne Hauptstraße 12 seit langem", "Ich wohne [Adresse] seit langem"),
        ("Am Markt 3a ist es laut", "[Adresse] ist es laut"),
        ("Bahnhofstr. 5, 2. OG", "[Adresse], 2. OG"),
        ("An der Kirche 7 parkt jeder", "[Adresse] parkt jeder"),
        ("Dresdner Straße 118", "[Adresse]"),
        ("geboren am 12.03.1956", "geboren am [Datum]"),
        ("seit dem 1. April 2020", "seit dem [Datum]"),
        ("ich bin 87 Jahre alt", "ich bin [Alter]"),
    ],
)
def test_masked(text, expected):
    r = redact(text)
    assert r.text == expected
    assert r.replacements == expected.count("[")


@pytest.mark.parametrize(
    "number",
    [
        "+49 351 1234567",
        "+49 (0)351 123456",
        "0049 351 1234567",
        "0351 1234567",
        "0351/123 45 67",
        "0351 / 123 45 67",
        "(0351) 12345-67",
        "0170-1234567",
        "01701234567",
    ],
)
def test_phone_numbers(number):
    r = redact(f"Rufen Sie {number} an.")
    assert r.text == "Rufen Sie [Telefon] an."
    assert r.replacements == 1


@pytest.mark.parametrize(
    "text",
    [
        "Ich wohne seit 2019 hier",
        "Buslinie 12 fährt zu selten",
        "ab 18 Uhr",
        "Am Montag 18 Uhr ist zu",
        "Im Jahr 2019 war es besser",
        "Wir sind seit 12 Jahren hier, 4 Personen",
        "Die Frau am Schalter war nett",
        "Fr. 18 Uhr geschlossen",
        "insgesamt gut",
        "Kosten 1.200 Euro, Nr. 0815",
    ],
)
def test_unchanged(text):
    r = redact(text)
    assert r.text == text
    assert r.replacements == 0 and not r.review


@pytest.mark.parametrize(
    "text",
    [
        "die Leiterin der Kita ist toll",
        "Der Bürgermeister hört nicht zu",
        "Frau Bürgermeisterin ist nett",
        "Im Ordnungsamt sitzt einer, der nie antwortet",
        "unser Hausarzt hat zugemacht",
        "der Vereinsvorsitzende",
        "an der Grundschule",
    ],
)
def test_roles_ask_for_review_and_stay_readable(text):
    r = redact(text)
    assert r.review
    assert r.text == text


# --- the corpus (issue 17): tests/fixtures/redaction/*.txt -----------------------------------

CORPUS = Path(__file__).parent.parent / "fixtures" / "redaction"


def _lines(name: str) -> list[str]:
    text = (CORPUS / name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


MASKED = [tuple(line.split(" => ")) for line in _lines("masked.txt")]


@pytest.mark.parametrize(("text", "expected"), MASKED, ids=[t for t, _ in MASKED])
def test_corpus_masked(text, expected):
    r = redact(text)
    assert r.text == expected
    assert r.replacements == expected.count("[")


@pytest.mark.parametrize("text", _lines("kept.txt"))
def test_corpus_kept(text):
    r = redact(text)
    assert r.text == text and r.replacements == 0


def test_corpus_size():
    assert len(MASKED) >= 40 and len(_lines("kept.txt")) >= 20
