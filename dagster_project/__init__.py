"""Dagster code location for the igot-warehouse pipeline."""
