"""Integration tests that run real Squid processes (see integration/README.md)."""
