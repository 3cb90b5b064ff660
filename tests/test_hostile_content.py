"""Hostile content is inert: HTML, Jinja, format strings and Python in the files dwk reads (area
registry, SWOT rules, catalogue, survey codebook and answers, review files) come out as text,
and no name leaves the output folder or the meeting zip.

The profile is built the way `dwk swot review` and `dwk profile build` build it (their library
functions, in-process), from a copy of `data/` with `raw/` linked in: `dwk.core.paths.data_dir` is
pointed at the copy, so the registry, rules, catalogue and review folder all come from it.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import zipfile
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dwk.app.meeting import zip_folder
from dwk.areas import Registry
from dwk.core import paths
from dwk.core.errors import ConfigError, DwkError
from dwk.core.write import safe_child
from dwk.swot.rules import PLACEHOLDERS, load_rules

SCRIPT = "<script>alert('{}')</script>"
BREAKOUT = "\"><img src=x onerror=alert('{}')>"
JINJA = "{{ 7*7 }}{% if true %}jinja-ran{% endif %}"
SPOTS = ("name", "description", "answer", "wording", "rule", "catalogue", "edited", "reason",
         "added")  # fmt: skip
REAL_DATA = paths.data_dir()


def hostile(spot: str) -> str:
    return f"{SCRIPT.format(spot)} {BREAKOUT.format(spot)}"


def python_payload(sentinel: Path) -> str:
    return f"__import__('os').system('touch {sentinel}')"


def toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def copy_data(target: Path) -> Path:
    """`data/` without `raw/`, which is linked: about 600 kB copied instead of 30 MB."""
    shutil.copytree(REAL_DATA, target, ignore=shutil.ignore_patterns("raw", "reviews"))
    (target / "raw").symlink_to(REAL_DATA / "raw", target_is_directory=True)
    return target


def write_hostile_data(data: Path, sentinel: Path) -> None:
    payload = python_payload(sentinel)
    areas = f"""
[[area]]
slug = "hostile"
name = {toml_str("Vrees " + hostile("name") + " ../../escaped " + JINJA)}
type = "Gemeinde"
key = "03454055"
level = "gemeinde"
land = "03"
kreis = "03454"
member = "hostile"
references = ["03454", "03", "DG", "members"]
description = {toml_str(hostile("description") + " " + payload + " {{{{ cycler.__init__.__globals__.os.system('touch " + str(sentinel) + "') }}}}")}

[[area.survey]]
file = "surveys/hostile.csv"
codebook = "surveys/hostile.toml"
verbatims = true

[[area]]
slug = "other"
name = {toml_str("../../other-name/" + hostile("other"))}
type = "Stadt"
key = "14523010"
level = "gemeinde"
land = "14"
kreis = "14523"
member = "other"
references = ["14523", "14", "DG", "members"]
"""
    (data / "areas.toml").write_text(areas, "utf-8")

    # every open answer says something hostile (LimeSurvey CSV: "" escapes a quote)
    answer = '"' + (hostile("answer") + " " + payload).replace('"', '""') + '"'
    lines = (data / "surveys/vrees-buergerbefragung.csv").read_text("utf-8").splitlines()
    lines = [line[: -len('""')] + answer if line.endswith(',""') else line for line in lines]
    (data / "surveys/hostile.csv").write_text("\n".join(lines) + "\n", "utf-8")
    book = (data / "surveys/buergerbefragung.toml").read_text("utf-8")
    wording = 'wording = "Es gibt genug bezahlbaren Wohnraum."'
    assert wording in book
    book = book.replace(wording, f"wording = {toml_str('Wohnraum ' + hostile('wording'))}")
    (data / "surveys/hostile.toml").write_text(book, "utf-8")

    # every rule's sentence starts with HTML, Jinja and Python; str.format makes {{ into {, so
    # the sentences hold JINJA and "{ 7*7 }"
    rules = (data / "swot_rules.toml").read_text("utf-8")
    jinja = JINJA.replace("{", "{{").replace("}", "}}")
    prefix = toml_str(f"{hostile('rule')} {jinja} {{{{ 7*7 }}}} {payload} ")[1:-1]
    rules, n = re.subn(r'^template = "', lambda m: m[0] + prefix, rules, flags=re.MULTILINE)
    assert n > 10
    (data / "swot_rules.toml").write_text(rules, "utf-8")

    catalogue = (data / "catalogue.toml").read_text("utf-8")
    label = 'label = "Durchschnittsalter"'
    assert label in catalogue
    catalogue = catalogue.replace(label, f"label = {toml_str('Alter ' + hostile('catalogue'))}")
    (data / "catalogue.toml").write_text(catalogue, "utf-8")


@pytest.fixture(scope="module")
def built(store, tmp_path_factory):
    """The hostile data built as `dwk swot review hostile --file F` and then
    `dwk profile build hostile other --reviews DIR --out OUT` would build it."""
    from dwk.app.build import build_reports, profile_rules
    from dwk.app.review import update_review
    from dwk.indicators.catalogue import load_catalogue
    from dwk.swot.review_file import AddedEntry, dump_review, load_review

    root = tmp_path_factory.mktemp("hostile")
    sentinel = root / "PWNED"
    data = copy_data(root / "data")
    write_hostile_data(data, sentinel)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paths, "data_dir", lambda: data)
        registry = Registry.load(store)
        area = registry.resolve("hostile")
        reviews = root / "reviews"
        review_file = reviews / "hostile.toml"
        update_review(store, registry, "hostile", review_file)
        rules = profile_rules(load_catalogue())
        review = load_review(review_file, area, rules)
        first, second, *rest = review.items
        payload = python_payload(sentinel)
        signed = {"reviewer": hostile("reviewer"), "date": "2026-03-12"}
        review = replace(
            review,
            items=(
                replace(first, status="edited", edited=hostile("edited") + " " + JINJA, **signed),
                replace(
                    second, status="rejected", reason=hostile("reason") + " " + payload, **signed
                ),
                *rest,
            ),
            added=(
                AddedEntry(
                    "werkstatt-1", "Chance", hostile("added") + " " + JINJA, payload, **signed
                ),
            ),
        )
        review_file.write_text(dump_review(review, area), "utf-8")
        out = root / "out"
        result = build_reports(
            store,
            registry,
            [area, registry.resolve("other")],
            out,
            review_dir=reviews,
            keep_profiles=True,
        )
    assert not result.failed, result.failed
    return root, out, sentinel


class Tags(HTMLParser):
    """Every element and attribute a browser would create, and the text it would show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.handlers: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.handlers += [
            (tag, a) for a, v in attrs if a.startswith("on") or "javascript:" in (v or "").lower()
        ]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(text: str) -> Tags:
    p = Tags()
    p.feed(text)
    p.close()
    return p


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_hostile_text_shows_as_text(built, fmt):
    _, out, _ = built
    page = (out / f"hostile.{fmt}").read_text("utf-8")
    if fmt == "html":
        p = parse(page)
        assert not {"script", "img", "iframe", "object", "embed"} & set(p.tags), p.tags
        assert p.handlers == []
        shown = " ".join(" ".join(p.text).split())
    else:
        # Markdown carries `<`, `>` and `&` as entities, so no renderer that lets raw HTML
        # through can run a name, rule text, answer or review comment as HTML
        assert "<script" not in page and "<img" not in page
        shown = html.unescape(" ".join(page.split()))
    for spot in SPOTS:
        assert hostile(spot) in shown, spot


def test_index_lists_hostile_names_as_text(built):
    _, out, _ = built
    p = parse((out / "index.html").read_text("utf-8"))
    assert not {"script", "img"} & set(p.tags) and p.handlers == []
    assert hostile("name") in " ".join(p.text) and hostile("other") in " ".join(p.text)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_templates_and_python_in_data_are_not_run(built, fmt):
    _, out, sentinel = built
    page = html.unescape((out / f"hostile.{fmt}").read_text("utf-8"))
    assert not sentinel.exists()
    assert page.count(JINJA) >= 3  # name, rule sentences, edited wording, added item
    assert page.count("jinja-ran") == page.count("{% if true %}jinja-ran{% endif %}")
    assert page.count("7*7") == len(re.findall(r"\{ 7\*7 \}", page))
    assert "} { 7*7 } __import__" in page  # a rule's sentence: str.format made {{ into {
    assert f"os.system('touch {sentinel}')" in page
    assert "cycler.__init__.__globals__" in page


def test_names_never_become_paths(built):
    root, out, _ = built
    assert sorted(p.name for p in out.iterdir()) == [
        "hostile-daten",
        "hostile.html",
        "hostile.json",
        "hostile.md",
        "index.html",
        "other-daten",
        "other.html",
        "other.json",
        "other.md",
    ]
    # the charts' CSV files are named by the slug and the chart, never by the area's name
    for folder in ("hostile-daten", "other-daten"):
        names = [p.name for p in (out / folder).iterdir()]
        assert names and all(re.fullmatch(r"[a-z0-9-]+\.csv", n) for n in names), names
    assert sorted(p.name for p in root.iterdir()) == ["data", "out", "reviews"]


def test_json_carries_the_text_as_data(built):
    _, out, _ = built
    record = json.loads((out / "hostile.json").read_text("utf-8"))

    def strings(obj):
        if isinstance(obj, dict):
            obj = list(obj.values())
        if isinstance(obj, list):
            for o in obj:
                yield from strings(o)
        elif isinstance(obj, str):
            yield obj

    found = " ".join(strings(record))
    assert hostile("name") in found and hostile("rule") in found


def registry_with_slug(store, tmp_path: Path, slug: str, name: str = "Adorf") -> Registry:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(REAL_DATA / "key_changes.toml", data)
    (data / "areas.toml").write_text(
        f"""
[[area]]
slug = {toml_str(slug)}
name = {toml_str(name)}
type = "Stadt"
key = "14523010"
level = "gemeinde"
land = "14"
kreis = "14523"
member = "adorf"
references = []
""",
        "utf-8",
    )
    return Registry.load(store, data)


@pytest.mark.parametrize(
    "slug",
    [
        "../../x",
        "..",
        ".",
        "a/b",
        "a\\b",
        "/etc/passwd",
        ".hidden",
        "",
        "a.html",
        "A",
        "a b",
        "-a",
        "x\n",
        "adorf/../../x",
        "ä",
        "a\x00b",
    ],
)
def test_slugs_that_could_be_paths_are_refused(store, tmp_path, slug):
    with pytest.raises(ConfigError, match="ungültiger Slug"):
        registry_with_slug(store, tmp_path, slug)


def test_a_valid_slug_is_accepted(store, tmp_path):
    assert registry_with_slug(store, tmp_path, "adorf-2").members[0].slug == "adorf-2"


@pytest.mark.parametrize(
    "name", ["../x", "..", ".", "", "/etc/passwd", "a/b", "a\\b", ".x.html", "sub/../x.html"]
)
def test_safe_child_refuses_names_that_leave_the_folder(tmp_path, name):
    with pytest.raises(DwkError):
        safe_child(tmp_path, name)


def test_safe_child_refuses_a_link_out_of_the_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "adorf.html").symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(DwkError, match="verlässt"):
        safe_child(out, "adorf.html")
    assert safe_child(out, "riesa.html") == (out / "riesa.html").resolve()


ODD_NAMES = ["a b.html", "ümlaut ß.md", "-rf", "..foo", "foo..", "...", "semi;colon&amp.txt",
             "quote\"'.txt", "new\nline.txt", "<script>.html"]  # fmt: skip


def odd_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    (folder / "profile" / "..sub").mkdir(parents=True)
    for i, name in enumerate(ODD_NAMES):
        (folder / "profile" / name).write_text(str(i), "utf-8")
    (folder / "profile" / "..sub" / "x.txt").write_text("x", "utf-8")
    return folder


def test_zip_holds_only_relative_names_under_its_root(tmp_path):
    folder = odd_folder(tmp_path)
    z = zipfile.ZipFile(io.BytesIO(zip_folder(folder, "treffen")))
    names = z.namelist()
    assert len(names) == len(ODD_NAMES) + 1
    for n in names:
        parts = n.split("/")
        assert parts[0] == "treffen" and not n.startswith("/") and "\\" not in n
        assert not {"", ".", ".."} & set(parts), n
    assert z.read("treffen/profile/..sub/x.txt") == b"x"


@pytest.mark.parametrize("kind", ["file", "dir", "inside"])
def test_zip_refuses_symlinks_rather_than_following_them(tmp_path, kind):
    """Symlinks are refused, not followed and not skipped: dwk writes none into a bundle, so one
    there was put there by someone else, and following it could pack any file of the machine."""
    folder = odd_folder(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim", "utf-8")
    link = folder / "profile" / "link"
    target = {"file": secret, "dir": tmp_path, "inside": folder / "profile" / "-rf"}[kind]
    link.symlink_to(target, target_is_directory=target.is_dir())
    with pytest.raises(DwkError, match="symbolischer Link"):
        zip_folder(folder, "treffen")


@pytest.mark.parametrize("root", ["..", "..\\..\\x", "/abs", "C:", "a/..", ""])
def test_zip_refuses_a_root_or_name_that_leaves_the_folder(tmp_path, root):
    with pytest.raises(DwkError, match="unzulässiger Pfad"):
        zip_folder(odd_folder(tmp_path), root)


def test_zip_refuses_backslash_names(tmp_path):
    folder = odd_folder(tmp_path)
    (folder / "..\\..\\evil.html").write_text("x", "utf-8")  # one name on POSIX
    with pytest.raises(DwkError, match="unzulässiger Pfad"):
        zip_folder(folder, "treffen")


def rules_file(tmp_path: Path, template: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(
        f"""
[[rule]]
id = "r"
kind = "vergleich"
indicator = "altenquotient"
comparison = "land"
threshold = 1.0
template = {toml_str(template)}
""",
        "utf-8",
    )
    return path


def load(path: Path):
    return load_rules(frozenset({"vergleich"}), {"altenquotient"}, path)


@pytest.mark.parametrize(
    "template",
    [
        "{0.__class__}",
        "{area.__class__.__init__.__globals__}",
        "{value.__class__.__mro__}",
        "{area[0]}",
        "{__import__}",
        "{0}",
        "{}",
        "{value:{area.__class__}}",  # a field hidden in the format spec
        "{area:>999999999}",  # a gigabyte of padding
        "{area!r}",
        "{value:{value}}",
    ],
)
def test_format_string_attacks_are_refused(tmp_path, template):
    with pytest.raises(ConfigError, match="Platzhalter"):
        load(rules_file(tmp_path, f"Der Wert {template} ist hoch."))


def test_plain_placeholders_and_doubled_braces_are_accepted(tmp_path):
    text = "{area}: {{ 7*7 }} " + " ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
    [rule] = load(rules_file(tmp_path, text))
    assert rule.template == text


def test_python_in_toml_stays_a_string(store, tmp_path):
    sentinel = tmp_path / "PWNED"
    payload = python_payload(sentinel)
    registry = registry_with_slug(store, tmp_path, "adorf", payload)
    assert registry.members[0].name == payload
    [rule] = load(rules_file(tmp_path, payload + " {value}"))
    assert rule.template == payload + " {value}"
    assert not sentinel.exists()
