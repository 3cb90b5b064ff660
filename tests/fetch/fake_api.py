"""A stand-in of the GENESIS REST API 2020 on 127.0.0.1 (ephemeral port, loopback only): each
test says how it answers `POST …/data/tablefile`; every request is recorded with its form and
credential headers."""

from __future__ import annotations

import io
import os
import socket
import sys
import threading
import urllib.parse
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dwk.core import paths

FLAT = paths.raw_dir() / "hdigital-zensus2022" / "1000A-0000_de_flat.csv"
PROXY_VARS = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


@dataclass
class Seen:
    path: str
    form: dict[str, str]
    username: str | None
    password: str | None


Answer = tuple[int, dict[str, str], bytes]


@dataclass
class FakeApi:
    url: str
    answer: Callable[[Seen], Answer] = lambda seen: (500, {}, b"")
    seen: list[Seen] = field(default_factory=list)


def zipped(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def status(code: int, content: str, kind: str = "Fehler") -> bytes:
    """The nested status answer of `data/tablefile` (Ident, Status, Parameter, Copyright)."""
    import json

    body = {
        "Ident": {"Service": "data", "Method": "tablefile"},
        "Status": {"Code": code, "Content": content, "Type": kind},
        "Parameter": {"username": "********", "password": "********"},
        "Copyright": "© Statistische Ämter des Bundes und der Länder",
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def api():
    fake = FakeApi(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("ascii")))
            seen = Seen(self.path, form, self.headers.get("username"), self.headers.get("password"))
            fake.seen.append(seen)
            code, headers, body = fake.answer(seen)
            try:
                self.send_response(code)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/rest/2020/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: bound, then closed again."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_proxy(monkeypatch):
    """Requests to 127.0.0.1 must not go through a proxy from the environment."""
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)


def run_cli(args: list[str], env: dict[str, str]):
    """`dwk …` as a user runs it: its own process, real exit code, stderr as printed."""
    import subprocess

    base = {k: v for k, v in os.environ.items() if k not in PROXY_VARS and "GENESIS" not in k}
    return subprocess.run(
        [sys.executable, "-c", "from dwk.cli import console; console()", *args],
        capture_output=True,
        text=True,
        env=base | env,
        timeout=120,
    )


KREISE_2020_2024 = paths.raw_dir() / "cartogram-12411-0015" / "12411-0015_kreise_2020-2024.csv"
FLAT_HEADER = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
    "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
    "value_variable_label;value_q"
)


def kreise_as_flat_file(years: range | None = None) -> bytes:
    """GENESIS-Online's answer for 12411-0015 in `ffcsv`: the real values of the table as
    downloaded (data/raw/cartogram-12411-0015/12411-0015_kreise_2020-2024.csv, every Kreis,
    31.12.2020–2024), one line per Kreis and Stichtag in the flat-file layout of the API
    (statistic 12411, regional variable KREISE, value variable BEVSTD). Only the layout is
    rewritten here, no value."""

    import csv

    with KREISE_2020_2024.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    stichtage = rows[3][2::2]  # 31.12.2020, 31.12.2021, … (value and flag column per Stichtag)
    lines = ["\ufeff" + FLAT_HEADER]
    for row in rows[4:]:
        if not row or not row[0].strip():
            continue
        for i, stichtag in enumerate(stichtage):
            day, month, year = stichtag.split(".")
            if years is not None and int(year) not in years:
                continue
            value, flag = row[2 + 2 * i], row[3 + 2 * i]
            lines.append(
                f"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;{year}-{month}-{day};"
                f"KREISE;Kreise und kreisfreie Städte;{row[0]};{row[1]};{value};Anzahl;BEVSTD;"
                f"Bevölkerungsstand;{flag}"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")
