"""BelBot: dialogue support for BelastingTelefoon agents, with sources on every answer."""

__version__ = "0.1.0"
