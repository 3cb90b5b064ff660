"""Indicator tables for the meeting bundle: the JSON numbers, exactly, as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
import zipfile

import pytest

from dwk.core.errors import DwkError
from dwk.render.profile_json import render_json
from dwk.render.tables import _sheet_name, write_indicator_csv, write_indicator_xlsx
from dwk.report.build import build_profile

openpyxl = pytest.importorskip("openpyxl")


def _rules(catalogue):
    from dwk.app.build import profile_rules

    return profile_rules(catalogue)


@pytest.fixture(scope="module")
def records(store, registry, ctx, catalogue) -> list[dict]:
    rules = _rules(catalogue)
    out = []
    for slug in ("adorf", "dortmund"):
        p = build_profile(registry.resolve(slug), store, registry, catalogue, rules, ctx)
        out.append(json.loads(render_json(p)))  # through the JSON text, as the bundle reads it
    return out


def _by_key(records):
    return {(r["area"]["key"], i["id"]): i for r in records for i in r["indicators"]}


def test_xlsx_numbers_equal_json(tmp_path, records):
    path = write_indicator_xlsx(records, tmp_path / "indikatoren.xlsx")
    wb = openpyxl.load_workbook(path)
    topics = list(dict.fromkeys(i["topic"] for r in records for i in r["indicators"]))
    assert wb.sheetnames == [_sheet_name(t, set()) for t in topics] + ["Quellen"]
    assert wb.sheetnames[0] == "Bevölkerungsstand und -entwick…"
    assert all(len(n) <= 31 for n in wb.sheetnames)
    expected = _by_key(records)
    seen = set()
    for topic, name in zip(topics, wb.sheetnames, strict=False):
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        assert header[:11] == [
            "Gebiet",
            "Schlüssel",
            "Ebene",
            "Thema",
            "Indikator",
            "Kennung",
            "Einheit",
            "Wert",
            "Stichtag",
            "Kennzeichen",
            "Tabellen",
        ]
        assert header[11:] == [
            "Vergleich Kreis",
            "Wert Kreis",
            "Vergleich Land",
            "Wert Land",
            "Vergleich Deutschland",
            "Wert Deutschland",
        ]
        col = {h: i for i, h in enumerate(header)}
        for row in ws.iter_rows(min_row=2):
            key, ident = row[col["Schlüssel"]].value, row[col["Kennung"]].value
            ind = expected[(key, ident)]
            seen.add((key, ident))
            assert row[col["Thema"]].value == topic == ind["topic"]
            cell = row[col["Wert"]]
            if ind["value"] is None:
                assert cell.value is None
            else:
                assert cell.data_type == "n" and isinstance(cell.value, int | float)
                assert cell.value == ind["value"]  # exactly: no rounding in the cell
                decimals = ind["decimals"]
                assert cell.number_format == "#,##0" + ("." + "0" * decimals if decimals else "")
            assert (row[col["Kennzeichen"]].value or "") == ind["flag"]
            assert row[col["Tabellen"]].value == ", ".join(ind["tables"])
            refs = {r["level"]: r for r in ind["references"]}
            for level, title in (("kreis", "Kreis"), ("land", "Land"), ("de", "Deutschland")):
                ref, value = refs.get(level), row[col[f"Wert {title}"]]
                assert value.value == (ref["value"] if ref else None)
                assert (row[col[f"Vergleich {title}"]].value or "") == (ref["name"] if ref else "")
                if ref and ref["value"] is not None:
                    assert value.data_type == "n"
    assert seen == set(expected)  # one row per area and indicator, none twice
    assert sum(wb[n].max_row - 1 for n in wb.sheetnames[:-1]) == len(expected)
    quellen = wb["Quellen"]
    codes = {r[0] for r in quellen.iter_rows(min_row=2, values_only=True)}
    assert codes == {s["code"] for r in records for s in r["sources"]}
    assert wb.properties.created.year == 2000 and wb.properties.modified.year == 2000


def test_xlsx_bytes_are_deterministic(tmp_path, records):
    a = write_indicator_xlsx(records, tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # openpyxl and zip would stamp another second
    b = write_indicator_xlsx(records, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert z.testzip() is None


def test_csv_for_german_excel(tmp_path, records):
    path = write_indicator_csv(records, tmp_path / "indikatoren.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert data == write_indicator_csv(records, tmp_path / "again.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    expected = _by_key(records)
    assert len(rows) == len(expected)
    for row in rows:
        ind = expected[(row["Schlüssel"], row["Kennung"])]
        if ind["value"] is None:
            assert row["Wert"] == ""
        else:
            # rounded as the catalogue shows it (issue 15): 49,6, not 49,61053127528602
            assert "." not in row["Wert"]
            assert row["Wert"] == f"{ind['value']:.{ind['decimals']}f}".replace(".", ",")
    adorf = next(r for r in rows if r["Schlüssel"] == "14523010" and r["Kennung"] == "bevoelkerung")
    # data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx: Adorf row 14317 = 4694; the Vogtlandkreis as the sum of its Gemeinden there
    # (221953, on the Zensus 2011 line like Adorf; 12411-0015's 2022-based value is 221088)
    assert (adorf["Wert"], adorf["Stichtag"], adorf["Wert Kreis"]) == (
        "4694",
        "31.12.2023",
        "221953",
    )
    assert adorf["Gebiet"] == "Adorf/Vogtl." and adorf["Ebene"] == "Gemeinde"
    # 12411-01-01-5_00.csv: "14523010;        Adorf/Vogtl., Stadt;5078;…;5302;…" (2011: 5302);
    # data/raw/destatis-gv-2023/31122023_Auszug_GV.xlsx: 4694 on 31.12.2023: (4694 − 5302) / 5302 = −11,47 %; Sachsen
    # "14;  Sachsen;4084851;…;4054182;…" (2011) and 4089467 (the GV's sum, 2023) = +0,87 %
    change = next(
        r
        for r in rows
        if r["Schlüssel"] == "14523010" and r["Kennung"] == "bevoelkerungsentwicklung_seit_2011"
    )
    assert (change["Wert"], change["Wert Land"]) == ("-11,5", "0,9")


def test_sheet_names():
    used: set[str] = set()
    assert _sheet_name("A/B: [C]?*\\", used) == "A-B- -C----"
    assert _sheet_name("a/b: [c]?*\\", used) == "a-b- -c---- (2)"
    long = "x" * 40
    assert _sheet_name(long, used) == "x" * 30 + "…"
    assert _sheet_name(long, used) == "x" * 26 + "… (2)"
    assert _sheet_name("'Quellen'", used) == "Quellen"


def test_missing_openpyxl(tmp_path, records, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(DwkError, match=r"Extra xlsx: pip install 'dwk\[xlsx\]'"):
        write_indicator_xlsx(records, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
