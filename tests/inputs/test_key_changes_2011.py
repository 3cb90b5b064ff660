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
    # Grabow and Steesow were listed by hand, and the script finds them too
    assert ("13054037", "13076050") in listed and ("13054098", "13076127") in listed
    # none lost: each Gemeinde of the Land with a figure under an old key on 31.12.2010 and
    # none on 31.12.2011 (812), and each the other way round (803), is paired or named. By
    # hand from gd/12411-01-01-5_00.csv, columns 15 (2011) and 18 (2010) of the 8-digit keys
    # 13… and of the rows of the Kreisfreie Städte 13001, 13002, 13005 and 13006:
    # awk -F';' '$1 ~ /^13[0-9][0-9][0-9][0-9][0-9][0-9]$|^130(01|02|05|06)$/ {
    #   a = $18 ~ /^[0-9]+$/; b = $15 ~ /^[0-9]+$/; o += a && !b; n += b && !a }
    #   END {print o, n}' prints 812 803
    not_paired = {line.split()[0] for line in left}
    old_left = {k for k in not_paired if not k.startswith(("13071", "13072", "13073", "13074",
                                                          "13075", "13076"))}  # fmt: skip
    assert len(listed) + len(old_left) == 812
    assert len(listed) + len(not_paired - old_left) == 803
    # the census table has the two Steinhagens' counts swapped (13053083: 2536, 12411: 778);
    # Upahl took in Hanshagen (726 → 1066); Crivitz (4672 → 5058) and Plau am See (5648 →
    # 6167) grew by about as much as Wessin (442) or Karow (717), which end in 2011
    assert {"13053083", "13057083", "13058100", "13060010", "13060061"} <= not_paired
