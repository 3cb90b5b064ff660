"""A review file that names an item no rule of the area can produce is an error with its line
(README, "SWOT review"; issue 17: such items were accepted with exit 0 and never applied)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from dwk.app.build import profile_rules
from dwk.core.errors import ConfigError
from dwk.swot.review_file import load_review
from dwk.swot.review_scope import review_scope

KEY = "14523010"  # Adorf/Vogtl., a Gemeinde with the demo survey (data/areas.toml)
GOOD = f'area = "{KEY}"\n\n[[item]]\nid = "alter-land:durchschnittsalter:{KEY}"\n'

BAD = {
    # data/catalogue.toml: arbeitslosenquote has `levels = ["kreis"]`, so the rule
    # arbeitslosigkeit-land never fires for a Gemeinde
    f"arbeitslosigkeit-land:arbeitslosenquote:{KEY}":
        "'arbeitslosenquote' wird für Gebiete der Ebene gemeinde nicht berechnet",
    # data/surveys/buergerbefragung.toml has no item "erfunden"
    f"umfrage-zufriedenheit-hoch:umfrage.erfunden:{KEY}":
        "keine Umfrage dieses Gebiets fragt das Item 'erfunden'",
    # ae_allein: polarity = "zustimmung_unguenstig"; the rule reads only zustimmung_guenstig
    f"umfrage-zufriedenheit-hoch:umfrage.ae_allein:{KEY}":
        "die Regel 'umfrage-zufriedenheit-hoch' liest nur Items mit polarity "
        "zustimmung_guenstig, 'ae_allein' ist zustimmung_unguenstig",
}  # fmt: skip


@pytest.fixture(scope="module")
def adorf(registry):
    return registry.resolve("adorf")


@pytest.fixture(scope="module")
def rules(catalogue):
    return profile_rules(catalogue)


@pytest.mark.parametrize("ident", sorted(BAD))
def test_an_item_no_rule_of_the_area_produces_is_an_error(adorf, rules, catalogue, tmp_path, ident):
    path = tmp_path / "adorf.toml"
    path.write_text(GOOD + f'\n[[item]]\nid = "{ident}"\n', "utf-8")  # the id is on line 7
    with pytest.raises(ConfigError) as err:
        load_review(path, adorf, rules, review_scope(adorf, catalogue))
    assert str(err.value) == f"{path}:7: unbekannte SWOT-Aussage {ident!r}: {BAD[ident]}"


def test_producible_items_that_do_not_fire_are_accepted(adorf, rules, catalogue, tmp_path):
    # arbeitslose_je_100 is the Gemeinde's indicator; ae_allein fits umfrage-belastung
    # (polarity zustimmung_unguenstig); whether they fire today does not matter
    path = tmp_path / "adorf.toml"
    ids = [
        f"arbeitslose-land:arbeitslose_je_100:{KEY}",
        f"umfrage-belastung:umfrage.ae_allein:{KEY}",
    ]
    path.write_text(GOOD + "".join(f'\n[[item]]\nid = "{i}"\n' for i in ids), "utf-8")
    review = load_review(path, adorf, rules, review_scope(adorf, catalogue))
    assert [e.id for e in review.items][1:] == ids


def test_cli_refuses_a_review_with_an_item_of_another_level(store, cache_dir, tmp_path):
    ident = f"arbeitslosigkeit-land:arbeitslosenquote:{KEY}"
    path = tmp_path / "adorf.toml"
    path.write_text(GOOD + f'\n[[item]]\nid = "{ident}"\n', "utf-8")
    env = {**os.environ, "DWK_CACHE_DIR": str(cache_dir)}
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dwk.cli import console; console()",
            "swot",
            "review",
            "adorf",
            "--file",
            str(path),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and f"{path}:7: unbekannte SWOT-Aussage" in r.stderr


def test_a_rule_with_threshold_true_is_an_error_at_its_line(tmp_path, catalogue):
    """`threshold = true` was read as 1 (a bool is an int to Python): a silent wrong mark."""
    from dwk.core.paths import data_dir
    from dwk.projection.outlook import load_groups
    from dwk.swot import survey as survey_rules
    from dwk.swot.engine import KINDS
    from dwk.swot.rules import load_rules

    text = (data_dir() / "swot_rules.toml").read_text("utf-8")
    old = "threshold = 1.0"  # the first rule with that threshold
    edited = text.replace(old, "threshold = true", 1)
    line = edited.split("\n").index("threshold = true") + 1
    path = tmp_path / "swot_rules.toml"
    path.write_text(edited, "utf-8")
    known = {d.id for d in catalogue} | {g.id for g in load_groups()}
    with pytest.raises(ConfigError) as err:
        load_rules(frozenset(KINDS) | {survey_rules.KIND}, known, path)
    assert str(err.value).startswith(f"{path}:{line}: Regel Nr. ")
    assert str(err.value).endswith(": Schwelle muss eine Zahl ≥ 0 sein")
