"""Headless Genesys Cloud API core: HTTP, auth, rate limits, pagination, typed models.

Nothing in this package may import Textual, pandas or networkx (see tests/test_import_hygiene.py).
"""
