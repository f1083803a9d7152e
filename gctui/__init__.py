"""gctui: a keyboard-driven terminal console for Genesys Cloud CX."""

__version__ = "0.1.0"
