"""Local surveys: codebooks, weighting, analysis and disclosure control."""
