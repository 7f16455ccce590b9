"""Deterministic hypothesis runs for the project's tests: no database, no deadline, fixed examples."""

from hypothesis import settings

settings.register_profile("project", derandomize=True, database=None, deadline=None, max_examples=50)
settings.load_profile("project")
