"""Procedure catalog: curated entries, the national listing, validation (pure domain code)."""
