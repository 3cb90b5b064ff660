"""Readers: one package per kind of input (official tables, survey exports)."""
