"""Survey export readers against the real samples and hand-made exports in tests/fixtures/surveys
(see SOURCES.md there); broken inputs must fail with file:line:column, never with a traceback."""

from __future__ import annotations

from pathlib import Path

import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dwk.core.errors import DwkError, InputError
from dwk.sources.surveys.limesurvey import normalise_heading, read_limesurvey
from dwk.sources.surveys.sosci import read_sosci
from dwk.sources.surveys.spss import read_spss, text
from dwk.sources.surveys.survey_file import read_survey

FIX = Path(__file__).parents[1] / "fixtures" / "surveys"
PFEIFFER = FIX / "limesurvey_pfeiffer_german.csv"
SPIELPLATZ = "Wie zufrieden sind Sie mit dem Angebot in Ihrem Ortsteil? [Spielplätze]"


def error(path: Path, content: bytes | str, reader=read_survey) -> str:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(InputError) as exc:
        reader(path)
    return str(exc.value)


# LimeSurvey ------------------------------------------------------------------------------------


def test_pfeiffer_real_export():
    s = read_survey(PFEIFFER)
    assert s.format == "limesurvey"
    assert s.n == 96 and len(s.columns) == 317  # README: 96 participants; 317 columns
    assert s.complete is None and s.dropped == () and s.skipped_empty == 0
    assert list(s.columns)[:2] == [
        "Antwort ID",
        "Welchen fachlichen Hintergrund haben Sie? [Maschinenbau]",
    ]
    assert s.columns["Antwort ID"][:3] == ["1", "2", "3"]
    # line 2: "1;Nein;Nein;Ja;Nein;Nein;Nein;;;…"
    assert s.columns["Welchen fachlichen Hintergrund haben Sie? [Informatik]"][0] == "Ja"
    assert s.columns["Welchen fachlichen Hintergrund haben Sie? [Maschinenbau]"][0] == "Nein"
    eighth, ninth = list(s.columns)[7:9]
    assert s.positions[eighth] == 8
    # ";;" in a file that quotes only where needed: no answer or not shown, undecided ("")
    assert [s.columns[eighth][0], s.columns[ninth][0]] == ["", ""]


def test_pfeiffer_heading_space_inside_brackets_is_normalised():
    # raw: "… Aussagen an.  [ Er simuliert das zugehörige Cyber-physische System (CPS).]"
    s = read_survey(PFEIFFER)
    name = (
        "Welche Eigenschaften haben für Sie digitale Zwillinge? Geben Sie Ihre Zustimmung zu den"
        " folgenden Aussagen an. [Er simuliert das zugehörige Cyber-physische System (CPS).]"
    )
    assert s.positions[name] == 9
    assert all(" [ " not in n and "  " not in n for n in s.columns)


def test_pfeiffer_multiline_answer_and_record_lines():
    # record "63" starts on line 65; its last answer runs to line 70 with "" escapes
    s = read_survey(PFEIFFER)
    remark = s.columns["Haben Sie sonstige Fragen und Anmerkungen zur Studie?"]
    assert s.columns["Antwort ID"][62] == "63"
    assert s.lines[62:64] == [65, 71] and s.lines[-1] == 103
    assert remark[62].count("\n") == 5
    assert '"Ein digitaler Zwilling ist eine Software die Modelle' in remark[62]


def test_pfeiffer_repeated_question_text_keeps_both_columns():
    # columns 209–213 and 219–223 carry the same full heading (the authors reused the text)
    s = read_survey(PFEIFFER)
    base = (
        "Wie relevant sind Schaltungsmodelle in den folgenden Entwicklungsphasen?"
        " [Konzeption: Profil- und Anforderungsanalyse]"
    )
    assert s.positions[base] == 209 and s.positions[f"{base} (Spalte 219)"] == 219


def test_limesurvey_code_headings():
    s = read_survey(FIX / "limesurvey_codes.csv")
    assert s.format == "limesurvey"
    assert list(s.columns) == [
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "Q1[SQ001]",
        "Q1[SQ002]",
        "Q2",
        "Q3[other]",
        "Q4",
    ]
    assert s.dropped == ("seed", "token", "ipaddr")
    assert s.positions["Q1[SQ001]"] == 8
    assert s.complete == [True, False, True]
    assert s.columns["Q1[SQ002]"] == ["A3", None, "A2"]  # NULL: not shown
    assert s.columns["Q2"] == ["Y", "", "N"]  # "": shown, not answered
    assert s.columns["Q3[other]"][0] == "'=2+2"  # csvMaskEquations kept as text
    assert s.columns["Q4"][2] == 'Zwei Dinge:\nder Bus "Linie 7" fährt zu selten'
    assert s.lines == [2, 3, 4] and s.skipped_empty == 0


def test_limesurvey_semicolon_full_german_headings():
    s = read_limesurvey(FIX / "limesurvey_semicolon.csv")
    assert s.dropped == ("Zufallsstartwert", "Zugangsschlüssel", "IP-Adresse")
    assert s.complete == [True, False, True]
    assert s.columns[SPIELPLATZ] == ["Zufrieden", "Keine Antwort", "Sehr zufrieden"]
    assert s.columns["Was sollte sich ändern?"] == [
        "Mehr Bänke; weniger Parkplätze",
        "",  # unquoted headings: not LimeSurvey's own writer, so no NULL
        'Der "Bürgerbus" sollte auch sonntags fahren',
    ]


def test_limesurvey_zero_responses():
    s = read_survey(FIX / "limesurvey_empty.csv")
    assert s.n == 0 and s.skipped_empty == 1 and s.complete == []
    assert list(s.columns) == ["id", "submitdate", "lastpage", "startlanguage", "Q1[SQ001]", "Q2"]


def test_limesurvey_header_only_is_an_empty_survey(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b'\xef\xbb\xbf"id","submitdate","Q1"\r\n')
    s = read_survey(path)
    assert s.n == 0 and s.skipped_empty == 0 and s.columns == {"id": [], "submitdate": [], "Q1": []}


def test_limesurvey_tab_lf_no_bom_unquoted(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id\tQ1\tQ2\n1\tA1\t\n2\t\tja, gern\n\n")
    s = read_survey(path)
    assert s.columns == {"id": ["1", "2"], "Q1": ["A1", ""], "Q2": ["", "ja, gern"]}


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("X.U.FEFF.id", "id"),
        ("\ufeffid", "id"),
        ("ï..id", "id"),
        ("PKZ.SQ001.", "PKZ[SQ001]"),
        ("Q1[ SQ001 ]", "Q1[SQ001]"),
        ("Frage  zum\tOrt  [ Teil   eins ]", "Frage zum Ort [Teil eins]"),
        ("Q1[SQ001]", "Q1[SQ001]"),
    ],
)
def test_normalise_heading(raw, name):
    assert normalise_heading(raw) == name


def test_r_mangled_headings_read(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('"X.U.FEFF.id";"PKZ.SQ001.";"PKZ.SQ002."\n1;"3";\n')
    s = read_survey(path)
    assert s.columns == {"id": ["1"], "PKZ[SQ001]": ["3"], "PKZ[SQ002]": [None]}
    path.write_text('X.U.FEFF.id;"PKZ.SQ001.";"PKZ.SQ002."\n1;"3";\n')
    assert read_survey(path).columns["PKZ[SQ002]"] == [""]


cells = st.one_of(st.none(), st.text(alphabet="ab ;,\t\"\r\n'=äß", max_size=6))


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(cells, min_size=3, max_size=3), max_size=5),
    sep=st.sampled_from([";", ",", "\t"]),
    eol=st.sampled_from(["\r\n", "\n"]),
)
def test_tokenizer_round_trip(tmp_path_factory, rows, sep, eol):
    def field(v):
        return "" if v is None else '"' + v.replace('"', '""') + '"'

    rows = [r for r in rows if any(r)]
    body, lines, line = "", [], 2
    for r in rows:
        lines.append(line)
        record = sep.join(field(v) for v in r)
        body += record + eol
        line += 1 + sum(v.count("\n") + v.count("\r") - v.count("\r\n") for v in r if v)
    path = tmp_path_factory.mktemp("rt") / "x.csv"
    heading = sep.join(['"a"', '"b"', '"c"'])  # quoted as LimeSurvey writes it: NULLs kept
    path.write_bytes(b"\xef\xbb\xbf" + (heading + eol + body + eol).encode())
    s = read_limesurvey(path)
    assert s.lines == lines
    assert [list(t) for t in zip(*s.columns.values(), strict=True)] == rows


# LimeSurvey: broken inputs ---------------------------------------------------------------------


def test_empty_file(tmp_path):
    assert error(tmp_path / "e.csv", b"") == f"{tmp_path / 'e.csv'}: Datei ist leer"


def test_ragged_rows(tmp_path):
    short = error(tmp_path / "s.csv", '"id","Q1","Q2"\r\n"1","a","b"\r\n"2","a"\r\n')
    assert short == f"{tmp_path / 's.csv'}:3:3: Datensatz hat 2 Felder, die Kopfzeile hat 3"
    long = error(tmp_path / "l.csv", 'id;Q1\n1;"zwei\nZeilen";x\n')
    assert long == f"{tmp_path / 'l.csv'}:2:3: Datensatz hat 3 Felder, die Kopfzeile hat 2"


def test_unterminated_quote_names_where_the_field_starts(tmp_path):
    msg = error(tmp_path / "q.csv", '"id","Q1"\n"1","a"\n"2","offen\nbis zum Ende\n')
    assert (
        msg
        == f"{tmp_path / 'q.csv'}:3:2: Anführungszeichen wird nicht geschlossen (Feld beginnt hier)"
    )


def test_text_after_closing_quote(tmp_path):
    msg = error(tmp_path / "a.csv", '"id","Q1"\n"1","a"b\n')
    assert msg == f"{tmp_path / 'a.csv'}:2:2: Text nach schließendem Anführungszeichen"


def test_binary_garbage_as_csv(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
    assert (
        error(tmp_path / "g.csv", png)
        == f"{tmp_path / 'g.csv'}:1: keine Textdatei (enthält Binärdaten)"
    )
    noise = bytes(range(128, 256)) * 4
    assert error(tmp_path / "n.csv", noise) == (
        f"{tmp_path / 'n.csv'}:1: kein Trennzeichen (; , Tab) in der Kopfzeile"
    )


def test_duplicate_code_heading(tmp_path):
    msg = error(tmp_path / "d.csv", '"id","Q1[SQ001]","Q1[ SQ001]"\n"1","a","b"\n')
    assert (
        msg
        == f"{tmp_path / 'd.csv'}:1:3: Spaltenüberschrift 'Q1[SQ001]' doppelt (zuerst in Spalte 2)"
    )


def test_empty_heading(tmp_path):
    msg = error(tmp_path / "h.csv", "id;;Q2\n1;2;3\n")
    assert msg == f"{tmp_path / 'h.csv'}:1:2: leere Spaltenüberschrift"


# SoSci Survey ----------------------------------------------------------------------------------


def test_sosci_utf16_plain_download():
    s = read_survey(FIX / "sosci_utf16.csv")
    assert s.format == "sosci"
    assert s.columns["CASE"] == ["483", "485", "490", "491"]
    assert s.lines == [2, 3, 4, 5]
    assert s.dropped == ("SERIAL", "REF", "MAILSENT")
    assert "SERIAL" not in s.columns and s.positions["QUESTNNR"] == 4
    assert s.complete == [True, False, True, True]
    assert s.columns["AB01_02"] == ["-9", "3", "5", "-1"]
    assert s.columns["SD02_01"] == ["Hauptstraße", None, "mehr Licht am Bahnhof", None]
    assert s.missing == {
        "AB01_01": {"-1": "Ausweichoption"},
        "AB01_02": {"-1": "Ausweichoption", "-9": "nicht beantwortet"},
        "AB01_03": {"-9": "nicht beantwortet"},
    }


def test_sosci_r_variant_with_label_line():
    s = read_sosci(FIX / "sosci_r.csv")
    assert s.columns["CASE"] == ["12", "13", "17"] and s.lines == [3, 4, 5]
    assert s.complete == [True, False, True]
    assert s.columns["LANGUAGE"] == ["ger"] * 3
    assert s.missing["UX01_01"] == {"-8": "ungültig"}
    assert s.missing["UX01_02"] == {"-2": "Ausweichoption"}
    assert s.missing["HI03"] == {"-9": "nicht beantwortet"}
    assert "TIME001" not in s.missing


def test_sosci_duplicate_case(tmp_path):
    content = "CASE\tSERIAL\tQUESTNNR\tAB01_01\tFINISHED\n7\t\tbase\t1\t1\n9\t\tbase\t2\t1\n7\t\tbase\t3\t0\n"
    msg = error(tmp_path / "c.csv", content)
    assert msg == f"{tmp_path / 'c.csv'}:4:1: CASE 7 doppelt (zuerst in Zeile 2)"


def test_sosci_case_not_an_integer(tmp_path):
    content = "CASE\tQUESTNNR\tFINISHED\n7\tbase\t1\nacht\tbase\t1\n"
    msg = error(tmp_path / "c.csv", content)
    assert msg == f"{tmp_path / 'c.csv'}:3:1: CASE ist keine ganze Zahl"


def test_sosci_bad_finished(tmp_path):
    path = tmp_path / "f.csv"
    content = "CASE\tQUESTNNR\tAB01_01\tFINISHED\n1\tbase\t1\tTRUE\n2\tbase\t2\tja\n"
    msg = error(path, b"\xff\xfe" + content.encode("utf-16-le"))
    assert msg == f"{path}:3:4: FINISHED ist weder 1/0 noch TRUE/FALSE"


def test_sosci_without_case_column(tmp_path):
    msg = error(tmp_path / "x.csv", "SERIAL\tAB01\nx\t1\n", reader=read_sosci)
    assert msg == f"{tmp_path / 'x.csv'}:1: keine SoSci-Datendatei: Spalte CASE fehlt"


def test_utf16_broken(tmp_path):
    assert error(tmp_path / "u.csv", b"\xff\xfeC\x00A\x00S") == (
        f"{tmp_path / 'u.csv'}: ungültiges UTF-16 trotz BOM (Byte 6)"
    )
    assert (
        error(tmp_path / "b.csv", b"\xff\xfe \x00\n\x00") == f"{tmp_path / 'b.csv'}: Datei ist leer"
    )


def test_utf16_big_endian(tmp_path):
    path = tmp_path / "be.csv"
    path.write_bytes(b"\xfe\xff" + "CASE\tQUESTNNR\tFINISHED\r\n5\tbase\t0\r\n".encode("utf-16-be"))
    s = read_survey(path)
    assert s.format == "sosci" and s.complete == [False]


# SPSS ------------------------------------------------------------------------------------------


def test_spss_user_missing_discrete_and_range():
    s = read_survey(FIX / "sample_missing.sav")
    assert s.format == "spss" and s.complete is None and s.lines == [2, 3, 4, 5, 6, 7, 8]
    assert s.missing["mylabl"] == {"-1": "undetermined"}
    assert s.missing["myord"] == {"-1": "missing", "-2": "fehlend (SPSS)", "-3": "fehlend (SPSS)"}
    assert s.missing["mynum"] == {"2500": "fehlend (SPSS)", "-1": "fehlend (SPSS)"}
    assert s.labels["mylabl"] == {"-1": "undetermined", "1": "Male", "2": "Female"}
    assert s.columns["mylabl"] == ["1", "2", "1", "2", "1", "-1", None]  # system-missing → None
    assert s.columns["mynum"][:3] == ["1.1", "1.2", "-1000.3"]
    assert s.columns["mychar"][-2:] == ["Z", ""]
    assert s.columns["mydate"][0] == "2018-05-06" and s.columns["mydate"][-1] is None
    assert s.columns["dtime"][0] == "2018-05-06T10:10:10"
    assert s.columns["mytime"][1] == "23:10:10"


def test_spss_alltypes():
    s = read_survey(FIX / "simple_alltypes.sav")
    assert s.missing["x"] == {"7": "fehlend (SPSS)", "8": "fehlend (SPSS)", "99": "fehlend (SPSS)"}
    assert s.missing["z"] == {"-9": "fehlend (SPSS)", "999": "skipped"}  # range -999..0, plus 999
    assert s.labels["x"] == {"1": "red", "2": "green", "3": "blue"}
    assert s.columns["x"] == ["1", "2", "3", "4", "8", "9"]
    assert s.columns["z"] == ["-9", None, "1.234", "999", "3.14159", None]
    assert s.columns["str"][3:5] == ["NA", ""]
    assert s.columns["quarter"][0] == "2014-10-01"  # QYR8
    assert s.positions["quarter"] == 12


def test_spss_string_missing_and_labels():
    s = read_survey(FIX / "missing_char.sav")
    assert s.columns == {"mychar": ["Z", "a"]}
    assert s.missing == {"mychar": {"Z": "fehlend (SPSS)"}}
    assert s.labels == {"mychar": {"a": "labeled"}}
    assert read_spss(FIX / "labelled-str.sav").labels == {"gender": {"F": "Female", "M": "Male"}}


def test_spss_utf8_labels_and_haven_missing():
    assert read_spss(FIX / "umlauts.sav").labels["var1"]["1"] == "the ä umlaut"
    s = read_spss(FIX / "labelled-num-na.sav")
    assert s.columns == {"VAR00002": ["1", "9"]}
    assert s.missing == {"VAR00002": {"9": "fehlend (SPSS)"}}
    assert read_spss(FIX / "sample.sav").missing == {}


def test_spss_drops_identifying_columns(tmp_path):
    import pandas as pd

    path = tmp_path / "sosci.sav"
    frame = pd.DataFrame(
        {
            "CASE": [483.0],
            "SERIAL": ["K7F2"],
            "QUESTNNR": ["base"],
            "token": ["t1"],
            "AB01_01": [-9.0],
        }
    )
    pyreadstat.write_sav(frame, path, missing_ranges={"AB01_01": [-9]})
    s = read_spss(path)
    assert s.dropped == ("SERIAL", "token")
    assert list(s.columns) == ["CASE", "QUESTNNR", "AB01_01"] and s.positions["AB01_01"] == 5
    assert s.missing == {"AB01_01": {"-9": "fehlend (SPSS)"}}


@pytest.mark.parametrize(
    ("value", "expected"), [(1.0, "1"), (2.5, "2.5"), (-9.0, "-9"), (float("nan"), None), ("", "")]
)
def test_canonical_text(value, expected):
    assert text(value) == expected


def test_spss_broken_files(tmp_path):
    assert error(tmp_path / "t.sav", "id;Q1\n1;2\n") == (
        f"{tmp_path / 't.sav'}: keine SPSS-Datei (.sav): Kennung $FL2 fehlt"
    )
    assert error(tmp_path / "e.sav", b"") == f"{tmp_path / 'e.sav'}: Datei ist leer"
    truncated = (FIX / "sample_missing.sav").read_bytes()[:1700]
    msg = error(tmp_path / "k.sav", truncated)
    assert msg.startswith(f"{tmp_path / 'k.sav'}: SPSS-Datei beschädigt oder unvollständig")
    with pytest.raises(InputError, match="Datei nicht lesbar"):
        read_spss(tmp_path / "fehlt.sav")


# dispatch --------------------------------------------------------------------------------------


def test_read_survey_sniffs_spss_by_magic_and_honours_format(tmp_path):
    path = tmp_path / "export.dat"
    path.write_bytes((FIX / "umlauts.sav").read_bytes())
    assert read_survey(path).format == "spss"
    assert read_survey(FIX / "sosci_r.csv", format="limesurvey").format == "limesurvey"
    with pytest.raises(DwkError, match="unbekanntes Umfrageformat 'qualtrics'"):
        read_survey(FIX / "sosci_r.csv", format="qualtrics")


def test_spss_file_that_crashes_the_c_reader_is_an_error():
    # pyreadstat 1.3.7 segfaults on this file; read in a child process, it is one error line
    bad = FIX / "spss_crashes_reader.sav"
    with pytest.raises(InputError) as err:
        read_survey(bad)
    assert str(err.value) == f"{bad}: SPSS-Datei beschädigt: der SPSS-Leser ist abgestürzt"


def test_heading_cut_off_mid_line_is_an_error(tmp_path):
    # found by fuzzing: a file truncated inside its heading line has no complete record
    path = tmp_path / "cut.csv"
    path.write_bytes(b'\xef\xbb\xbf"id","submitdate","lastpage","startlanguage",')
    with pytest.raises(InputError) as err:
        read_survey(path)
    assert str(err.value) == f"{path}:1: keine vollständige Kopfzeile"
