"""One `data/tablefile` request of the GENESIS REST API 2020, with the standard library only.

The three databases run the same webservice software and answer the same request:
`POST {api-url}data/tablefile` with form fields, credentials in the HTTP headers `username` and
`password` (credentials in the form are ignored and the call runs as guest). A token is sent as
`username` with an empty `password`. The answer is the table file (CSV formats arrive as a zip)
or a JSON status, either `{"Status": {"Code", "Content", "Type"}, ...}` or, for refused
credentials, a bare `{"Code", "Content", "Type"}`.

Status codes handled (GENESIS-Webservices Einführung 2.1.2 and the answers the public clients
pystatis and restatis record): 2 wrong user name or password, 15 no credentials recognised,
90 table not found, 98 table too large for a direct request, 104 nothing matches the
selection, -1 an unexpected server error.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from dwk.core.errors import DwkError

DEFAULT_TIMEOUT = 300.0  # seconds; the servers end requests that run longer than 15 minutes
MAX_UNZIPPED = 1 << 30  # a zip that unpacks to more than 1 GiB is not a table file
ENV_USER, ENV_PASSWORD, ENV_TOKEN = "DWK_GENESIS_USER", "DWK_GENESIS_PASSWORD", "DWK_GENESIS_TOKEN"


class FetchError(DwkError):
    """A table that could not be fetched: the message names table and source."""


class CellLimit(FetchError):
    """The request is over the API's cell limit: split it and ask again."""


class EmptySelection(FetchError):
    """Nothing matches the request: an unknown table, or a part of a split that has no areas."""


@dataclass(frozen=True)
class Credentials:
    """User name and password, or a token as user name with an empty password."""

    username: str
    password: str

    def __repr__(self) -> str:  # never shown, not even in a traceback of a bug
        return "Credentials(***)"

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.username, self.password) if s)


def credentials_from_env(env: Mapping[str, str] | None = None) -> Credentials | None:
    """`DWK_GENESIS_TOKEN` if set, else `DWK_GENESIS_USER` and `DWK_GENESIS_PASSWORD`; None
    sends no credentials (the server then says whether it allows guests)."""
    env = os.environ if env is None else env
    token = env.get(ENV_TOKEN, "").strip()
    if token:
        return Credentials(token, "")
    user, password = env.get(ENV_USER, "").strip(), env.get(ENV_PASSWORD, "")
    if user:
        return Credentials(user, password)
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None  # the 3xx becomes an HTTPError that `post_tablefile` explains


def normalise_url(api_url: str, label: str) -> str:
    parts = urllib.parse.urlsplit(api_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(
            f"{label}: ungültige --api-url {api_url!r} (erwartet http(s)://…/rest/2020/)"
        )
    return api_url if api_url.endswith("/") else api_url + "/"


def post_tablefile(
    api_url: str,
    form: Mapping[str, str],
    credentials: Credentials | None,
    label: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> bytes:
    """The table file a request answers (unpacked if zipped); every other answer is a
    `FetchError` whose one line starts with `label` (table and source)."""
    url = normalise_url(api_url, label) + "data/tablefile"
    host = urllib.parse.urlsplit(url).netloc
    secrets = credentials.secrets if credentials else ()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "dwk"}
    if credentials is not None:
        headers |= {"username": credentials.username, "password": credentials.password}
    body = urllib.parse.urlencode(dict(form)).encode("ascii")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as answer:
            data, ctype = answer.read(), answer.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        data = _read_quietly(exc)
        if 300 <= exc.code < 400:
            target = exc.headers.get("Location", "?")
            raise FetchError(
                f"{label}: der Server leitet weiter nach {target} (HTTP {exc.code}); "
                "diese Adresse mit --api-url angeben"
            ) from None
        _raise_status(data, label, secrets)
        raise FetchError(
            f"{label}: der Server antwortet mit HTTP {exc.code} {_clean(exc.reason, secrets)}"
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise FetchError(f"{label}: {_network_problem(exc, host, timeout)}") from None
    return _table_bytes(data, ctype, label, secrets)


def _read_quietly(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except (OSError, http.client.HTTPException):
        return b""


def _network_problem(exc: BaseException, host: str, timeout: float) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.gaierror):
        return f"Server {host} nicht gefunden (keine Netzverbindung oder falsche --api-url)"
    if isinstance(reason, ConnectionRefusedError):
        return f"Verbindung zu {host} abgelehnt (Server nicht erreichbar)"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"keine Antwort von {host} innerhalb von {timeout:g} s"
    if isinstance(exc, http.client.HTTPException):
        return f"Antwort von {host} abgebrochen"
    text = getattr(reason, "strerror", None) or str(reason)
    return f"keine Verbindung zu {host} ({' '.join(str(text).split())})"


def _table_bytes(data: bytes, ctype: str, label: str, secrets: tuple[str, ...]) -> bytes:
    if data.startswith(b"PK\x03\x04"):
        data = _unzip(data, label)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        _raise_status(data, label, secrets)
        raise FetchError(f"{label}: unerwartete JSON-Antwort statt einer Tabelle")
    if "html" in ctype.lower() or head.startswith(b"<"):  # an HTML (or XML) page, not a table
        raise FetchError(
            f"{label}: der Server liefert eine HTML-Seite statt Daten "
            "(Wartung oder falsche --api-url?)"
        )
    if not data.strip():
        raise FetchError(f"{label}: leere Antwort des Servers")
    return data


def _unzip(data: bytes, label: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()]
            if len(members) != 1:
                raise FetchError(
                    f"{label}: ZIP-Antwort mit {len(members)} Dateien statt einer Tabelle"
                )
            if members[0].file_size > MAX_UNZIPPED:
                raise FetchError(f"{label}: ZIP-Antwort entpackt größer als 1 GiB")
            with zf.open(members[0]) as fh:
                return fh.read(MAX_UNZIPPED + 1)[:MAX_UNZIPPED]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError):
        raise FetchError(f"{label}: beschädigte ZIP-Antwort") from None


_MESSAGES = {
    2: "Zugangsdaten abgelehnt: Nutzername und Passwort bzw. Token prüfen "
    f"({ENV_USER}/{ENV_PASSWORD} oder {ENV_TOKEN})",
    15: "keine gültigen Zugangsdaten erkannt: "
    f"{ENV_TOKEN} oder {ENV_USER} und {ENV_PASSWORD} setzen (Registrierung siehe README)",
    90: "Tabelle in dieser Datenbank nicht vorhanden",
    104: "keine Daten für diese Auswahl (Tabelle unbekannt oder Auswahl leer)",
    -1: "unerwarteter Fehler des Servers (später erneut versuchen; bleibt er, "
    "die Zugangsdaten im Webportal prüfen)",
}


def _raise_status(data: bytes, label: str, secrets: tuple[str, ...]) -> None:
    """Raise the error a JSON status answer stands for; return if `data` is no status."""
    try:
        answer = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return
    if not isinstance(answer, dict):
        return
    status = answer.get("Status") if isinstance(answer.get("Status"), dict) else answer
    if "Code" not in status:
        return
    try:
        code = int(status.get("Code"))
    except (TypeError, ValueError):
        code = -1
    content = _clean(str(status.get("Content") or ""), secrets)
    said = f" (Code {code}: {content})" if content else f" (Code {code})"
    if code == 98 or _over_limit(content):
        raise CellLimit(f"{label}: zu groß für einen Abruf{said}")
    if code == 104:
        raise EmptySelection(f"{label}: {_MESSAGES[104]}{said}")
    if code == 0:
        raise FetchError(f"{label}: der Server meldet Erfolg, liefert aber keine Tabelle{said}")
    raise FetchError(f"{label}: {_MESSAGES.get(code, 'der Server meldet einen Fehler')}{said}")


def _over_limit(content: str) -> bool:
    text = content.lower()
    return "zu groß" in text or "wertfelder" in text or "verkleinern sie" in text


def _clean(text: str, secrets: tuple[str, ...]) -> str:
    """Server text for a one-line message: credentials blanked, whitespace folded, short."""
    for secret in secrets:
        text = text.replace(secret, "***")
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"
