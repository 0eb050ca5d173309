"""Prefect-style flows for publishing seed data to DATAMIMIC."""
