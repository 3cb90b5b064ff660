"""Keys and their levels (`dwk.core.types`)."""

from dwk.core.types import level_of, under

# Schleswig-Holstein's first Kreise and Hamburg, as 12411-01-01-4 lists them, with Gemeinden
KEYS = sorted(["01", "01001", "01001000", "01051", "01051011", "01051044", "02", "02000"])


def test_under_finds_every_key_that_starts_with_the_prefix_and_no_other():
    for prefix in ("", "0", "01", "01051", "01051011", "02", "03", "010510"):
        expected = [k for k in KEYS if k.startswith(prefix)]
        assert KEYS[under(KEYS, prefix)] == expected, prefix
    assert KEYS[under(KEYS, "01051")] == ["01051", "01051011", "01051044"]
    assert [k for k in KEYS[under(KEYS, "01")] if level_of(k) == "kreis"] == ["01001", "01051"]
