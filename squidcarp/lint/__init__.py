"""The linter: rules over the typed model (one module per rule in :mod:`rules`), an engine that
runs them, and output formats over one :class:`~squidcarp.lint.diagnostic.Diagnostic` record."""
