"""The three databases that serve the GENESIS REST API 2020, and their default addresses.
Kept apart from `api` so the CLI can name the choices without loading the HTTP client."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """The three databases; each has its own registration and credentials."""

    genesis = "genesis"
    regionalstatistik = "regionalstatistik"
    zensus2022 = "zensus2022"

    @property
    def api_url(self) -> str:
        return API_URLS[self]

    @property
    def label(self) -> str:
        return LABELS[self]


# www-genesis.destatis.de answers POST requests with a redirect (307) to genesis.destatis.de
# since 2025; dwk follows no redirects (they would carry the credentials elsewhere).
API_URLS = {
    Source.genesis: "https://genesis.destatis.de/genesisWS/rest/2020/",
    Source.regionalstatistik: "https://www.regionalstatistik.de/genesisws/rest/2020/",
    Source.zensus2022: "https://ergebnisse.zensus2022.de/api/rest/2020/",
}
LABELS = {
    Source.genesis: "GENESIS-Online",
    Source.regionalstatistik: "Regionaldatenbank Deutschland",
    Source.zensus2022: "Zensusdatenbank 2022",
}
