"""Dagster assets: raw loads, dbt models, publishing."""
