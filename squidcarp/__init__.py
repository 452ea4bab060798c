"""squidcarp: read, lint and route Squid cache arrays exactly as Squid 5 does."""

__version__ = "0.1.0"
