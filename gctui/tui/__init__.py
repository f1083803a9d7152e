"""The Textual console. Screens render state and dispatch work; no network calls here."""
