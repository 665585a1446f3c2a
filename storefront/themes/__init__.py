"""Themes: built-in layouts a store picks, their settings, and the owner's preview."""
