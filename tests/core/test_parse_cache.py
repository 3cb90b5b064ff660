"""`parsed_once`: a shipped file is parsed once per content and dwk, a failed parse is never
kept, a damaged pickle is parsed again."""

from __future__ import annotations

import pytest

from dwk.core import parse_cache
from dwk.core.parse_cache import parsed_once


@pytest.fixture
def calls(tmp_path, monkeypatch):
    monkeypatch.setenv("DWK_CACHE_DIR", str(tmp_path / "cache"))
    return []


def _parse(calls: list[bytes], data: bytes):
    def parse() -> dict:
        calls.append(data)
        return {"words": data.decode().split()}

    return parse


def test_same_content_is_parsed_once(calls, tmp_path):
    data = b"Adorf Vrees"
    first = parsed_once(data, "t", _parse(calls, data))
    again = parsed_once(data, "t", _parse(calls, data))
    assert first == again == {"words": ["Adorf", "Vrees"]}
    assert calls == [data]


def test_new_content_is_parsed_and_replaces_the_old(calls, tmp_path):
    parsed_once(b"Riesa", "t", _parse(calls, b"Riesa"))
    got = parsed_once(b"Grabow", "t", _parse(calls, b"Grabow"))
    assert got == {"words": ["Grabow"]} and calls == [b"Riesa", b"Grabow"]
    assert len(list((tmp_path / "cache" / "t").glob("*.pkl"))) == 1


def test_another_dwk_parses_again(calls, monkeypatch):
    parsed_once(b"Dortmund", "t", _parse(calls, b"Dortmund"))
    monkeypatch.setattr(parse_cache, "code_stamp", lambda: "an edited module")
    parsed_once(b"Dortmund", "t", _parse(calls, b"Dortmund"))
    assert calls == [b"Dortmund", b"Dortmund"]


def test_a_failed_parse_is_not_kept(calls, tmp_path):
    def broken() -> dict:
        calls.append(b"x")
        raise ValueError("Zeile 3: kaputt")

    for _ in range(2):
        with pytest.raises(ValueError, match="Zeile 3"):
            parsed_once(b"x", "t", broken)
    assert len(calls) == 2


def test_a_damaged_pickle_is_parsed_again(calls, tmp_path):
    parsed_once(b"Dueren", "t", _parse(calls, b"Dueren"))
    (kept,) = (tmp_path / "cache" / "t").glob("*.pkl")
    kept.write_bytes(kept.read_bytes()[:10])
    assert parsed_once(b"Dueren", "t", _parse(calls, b"Dueren")) == {"words": ["Dueren"]}
    assert calls == [b"Dueren", b"Dueren"]
