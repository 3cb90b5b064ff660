"""dwk: Kommunalprofile (demographic profiles with a SWOT) from official statistics."""

__version__ = "0.1.0"
