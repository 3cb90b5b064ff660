"""Fixtures of the fetch tests: the API stand-in (`fake_api`)."""

from tests.fetch.fake_api import api, closed_port, no_proxy  # noqa: F401
