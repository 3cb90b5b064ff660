"""Masking of open-text answers before a verbatim may appear in a report.

Rules, in the order applied (an earlier mask protects its text from later rules):

* e-mail addresses → "[E-Mail]", also written to dodge spam filters: `name (at) example.org`,
  `name[at]example[dot]org`, `name @ example.org`, `name at example dot org`;
* IBANs (two letters, two check digits, groups of four) → "[IBAN]";
* dates (12.03.1956, 12.3.56, 12. März 1956, 1956-03-12, 12/03/1956) → "[Datum]", a year of
  birth after "Jahrgang", "geb." or "geboren" → "[Datum]"; ages ("87 Jahre alt",
  "3-jährige") → "[Alter]";
* phone numbers → "[Telefon]": they must start with a country code (+49, +43, 0049 …), 0 or
  an area code in parentheses and hold at least 6 digits, in groups separated by spaces,
  `/`, `-` (also " - ") or dots (0171.234.5678). So years (2019), postcodes (01067), bus
  lines and clock times stay, and so does a local number written without its area code;
* a postcode with its town ("01067 Dresden", "D-08645 Bad Elster") → "[Ort]", not when the
  word after five digits is a count ("12000 Einwohner");
* street + house number (1–3 digits, optional letter) → "[Adresse]": a word ending in
  -straße/-str./-weg/-platz…, a separate "Straße"/"Weg"… after a capitalised word, or
  "Am/An der/Zum …" + a capitalised word; a unit after the number ("18 Uhr") blocks it;
* person names after Herr/Frau/Hr./Fr./Dr./Prof. → "Herr [Name]", "Frau Dr. [Name]":
  up to two capitalised words, not when the word is a role ("Frau Bürgermeisterin");
  "Familie Musterfrau" → "Familie [Name]";
* names without a salutation: a given name of `dwk.survey.first_names` followed by a
  capitalised word ("Erika Mustermann"), or "Mustermann, Erika" → "[Name]". A given name
  alone stays: too many are also words.

Roles (Amt, Kita, Bürgermeisterin …) are not masked but set `review`: a function can identify
a person as well as a name can, and only a human can judge whether it does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from dwk.survey.first_names import FIRST_NAMES


@dataclass(frozen=True)
class Redacted:
    text: str
    replacements: int
    review: bool


ROLES = (
    "bürgermeister", "bürgermeisterin", "ortsvorsteher", "ortsvorsteherin", "leiter",
    "leiterin", "leitung", "amt", "amtes", "ämter", "ämtern", "kita", "kitas", "schule",
    "schulen", "kindergarten", "pfarrer", "pfarrerin", "arzt", "ärztin", "ärzte", "hausmeister",
    "hausmeisterin", "vorsitzende", "vorsitzender", "vorsitzenden", "chef", "chefin", "rektor",
    "rektorin", "lehrer", "lehrerin", "erzieher", "erzieherin", "sachbearbeiter",
    "sachbearbeiterin", "beamte", "beamter", "beamtin", "polizist", "polizistin",
)  # fmt: skip
NOT_ROLES = {"gesamt", "insgesamt", "samt", "mitsamt"}

CAP = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)*"
MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
UNITS = r"Uhr|Jahre|Jahren|Min|Minuten|Std|Stunden|Tage|Tagen|Grad|Prozent|%|Euro|€|km|m|Mal|Personen|Leute|Kinder|mal"
TIME_WORDS = r"Jahr|Sommer|Winter|Herbst|Frühling|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag"
SUFFIXES = r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|steig|pfad|markt|graben|promenade"
PREPOSITIONS = r"Am|An der|An den|Auf dem|Auf der|Im|In der|In den|Zum|Zur|Hinter der|Unter den"
HOUSE = rf"\s*\d{{1,3}}(?:[a-z]|\s[a-z](?!\w))?\b(?![.,]?\d)(?!\s*(?:{UNITS})\b)"

_AT = r"(?:\s?@\s?|\s?[(\[{]\s?(?:at|ät)\s?[)\]}]\s?|\s+at\s+)"
_DOT = r"(?:\.|\s?[(\[{]\s?(?:dot|punkt)\s?[)\]}]\s?|\s+(?:dot|punkt)\s+)"
EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")
DATE = re.compile(
    rf"\b\d{{1,2}}\.\s?(?:\d{{1,2}}\.(?:\d{{4}}|\d{{2}})\b|(?:{MONTHS})\s+\d{{4}}\b)"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b"
)
BIRTH = re.compile(r"\b(Jahrgang|[Gg]eb\.|[Gg]eboren(?: im Jahr| im| in)?|Geburtsjahr)\s+\d{4}\b")
AGE = re.compile(r"\b\d{1,3}(?:\s+Jahre\s+alt\b|-jährige?[nrsm]?\b)")
PHONE = re.compile(
    r"(?<![\w+/.])(?:(?:\+|00)\s?\d{1,3}[\s\-/.]?(?:\(0\)[\s\-/.]?)?|\(0\d{1,5}\)\s?|(?=0))"
    r"\d+(?:(?:\s?[/.]\s?|\s?-\s?|\s)\d+)*(?!\w)"
)
COUNTS = (r"Einwohner|Einwohnerinnen|Menschen|Personen|Leute|Euro|Stimmen|Bürger|Bürgerinnen|"
          r"Haushalte|Kinder|Besucher|Fahrgäste|Autos|Fahrzeuge|Wohnungen|Unterschriften|Jahre")  # fmt: skip
POSTCODE = re.compile(rf"\b(?:D-\s?)?\d{{5}}\s+(?!(?:{COUNTS})\b)(?:Bad\s+)?{CAP}")
ADDRESS = re.compile(
    rf"\b(?:[A-ZÄÖÜ][\wäöüß-]*(?:{SUFFIXES})"
    rf"|(?:{CAP}\s)?(?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer)"
    rf"|(?:{PREPOSITIONS})\s+(?!(?:{TIME_WORDS})\b){CAP}){HOUSE}"
)
NAME = re.compile(rf"\b((?:(?:Herrn?|Frau)\s+|(?:Hr|Fr|Dr|Prof)\.\s*)+)({CAP}(?:\s+{CAP})?)")
SURNAME = r"[A-ZÄÖÜÇŞ][^\W\d_]+(?:-[A-ZÄÖÜÇŞ][^\W\d_]+)*"  # also Yılmaz, Nowak-Şahin
FAMILY = re.compile(rf"\b(Familie|Fam\.)\s+({SURNAME})")
_GIVEN = "|".join(sorted(FIRST_NAMES, key=len, reverse=True))
FULL_NAME = re.compile(
    rf"\b(?:(?:{_GIVEN})(?:\s+(?:{_GIVEN}))?\s+{SURNAME}"
    rf"|{SURNAME},\s*(?:{_GIVEN})\b(?!\s+[A-ZÄÖÜ]))"  # "Grüße, Klaus Schneider": not "Grüße"
)


Rule = Callable[[re.Match[str]], str]


def _is_role(word: str) -> bool:
    word = word.lower()
    return word not in NOT_ROLES and word.endswith(ROLES)


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return "[Telefon]" if digits >= 6 else match.group()


def _name(match: re.Match[str]) -> str:
    lead, name = match.groups()
    first = name.split()[0]
    if any(_is_role(part) for part in first.split("-")):
        return match.group()
    return f"{lead.rstrip()} [Name]"


def _full_name(match: re.Match[str]) -> str:
    surname = match.group().replace(",", " ").split()
    return match.group() if any(_is_role(w) for w in surname) else "[Name]"


RULES: tuple[tuple[re.Pattern[str], Rule], ...] = (
    (EMAIL, lambda m: "[E-Mail]"),
    (IBAN, lambda m: "[IBAN]"),
    (DATE, lambda m: "[Datum]"),
    (BIRTH, lambda m: f"{m[1]} [Datum]"),
    (AGE, lambda m: "[Alter]"),
    (PHONE, _phone),
    (POSTCODE, lambda m: "[Ort]"),
    (ADDRESS, lambda m: "[Adresse]"),
    (NAME, _name),
    (FAMILY, _name),
    (FULL_NAME, _full_name),
)


def _apply(pattern: re.Pattern[str], rule: Rule, text: str) -> tuple[str, int]:
    masked = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal masked
        new = rule(match)
        masked += new != match.group()
        return new

    return pattern.sub(replace, text), masked


def redact(text: str) -> Redacted:
    """Mask what identifies a person; flag what might (see the module docstring)."""
    review = any(_is_role(w) for w in re.findall(r"[A-Za-zÄÖÜäöüß]+", text))
    count = 0
    for pattern, rule in RULES:
        text, masked = _apply(pattern, rule, text)
        count += masked
    return Redacted(text, count, review)
