"""The new keys of Mecklenburg-Vorpommern's Gemeinden of 2011 in data/key_changes.toml are what
scripts/mv_keys_2011.py finds in the raw tables, and it leaves out what it cannot tell."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dwk.core import paths
from dwk.key_changes import read_changes

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mv_keys_2011.py"


def _script():
    spec = importlib.util.spec_from_file_location("mv_keys_2011", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_listed_new_keys_are_the_scripts_pairs():
    found, left = _script().pairs()
    listed = {
        (c.old[0], c.new)
        for c in read_changes(paths.data_dir() / "key_changes.toml")
        if c.date == "2011-09-04" and c.level == "gemeinde"
    }
    assert listed == {(p[0], p[1]) for p in found}
    # 12411-01-01-5: 812 Gemeinden of the Land under an old key on 31.12.2010, 803 under a new
    # one on 31.12.2011; Grabow and Steesow were listed by hand and the script finds them too
    assert len(listed) == 771
    assert ("13054037", "13076050") in listed and ("13054098", "13076127") in listed
    not_paired = {line.split()[0] for line in left}
    # the census table has the two Steinhagens' counts swapped (13053083: 2536, 12411: 778);
    # Upahl took in Hanshagen (726 → 1066); Crivitz (4672 → 5058) and Plau am See (5648 →
    # 6167) grew by about as much as Wessin (442) or Karow (717), which end in 2011
    assert {"13053083", "13057083", "13058100", "13060010", "13060061"} <= not_paired
