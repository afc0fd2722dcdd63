"""Maillon: intranet and extranet for social centres, federations, communes and State services."""

__version__ = "0.1.0"
