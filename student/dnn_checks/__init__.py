"""Checks a student runs in Jupyter: visible property tests, gradient checks and their reports."""
