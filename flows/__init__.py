"""Orchestration around the extractors: the Prefect flow and the `brochures` command line.

Importing this package imports nothing heavy: Prefect is only imported by `flows.ingest`.
"""
