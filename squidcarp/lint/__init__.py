"""The linter: rules over what the reader saw (one module per rule in :mod:`rules`), an engine
that runs them, and output formats over one :class:`~squidcarp.lint.diagnostic.Diagnostic` record.

How rules report (one way for all of them):

- What Squid itself does while it parses -- stops, logs an ERROR or WARNING, drops a line,
  silently changes a value -- is known to the reader alone (:mod:`squidcarp.conf`), which emulates
  Squid's parsers and records each reaction as a :class:`~squidcarp.conf.events.ReadEvent`. A rule
  never parses config text again.
- Every event kind belongs to exactly one rule: the kinds a rule module lists in ``KINDS``. The
  rule reports them through :meth:`LintContext.relay` (or, to add context from the model, reads
  them with :meth:`LintContext.events`); it cannot read kinds it does not own, and a test checks
  that every kind has its one rule, so no event is emitted that nothing reads.
- What Squid does *not* react to -- CARP arithmetic, routing order, multicast traps -- rules
  derive from the typed model (:class:`~squidcarp.conf.model.SquidConfig`); such rules have no
  ``KINDS``.
- Severity follows one rule, :data:`~squidcarp.lint.diagnostic.SEVERITY_RULE` (error: Squid stops
  or the line silently cannot do what it says; warning: Squid ignores or changes something
  harmlessly; info: a note). Relayed events are graded by :func:`~squidcarp.lint.context.grade`:
  an error wherever Squid stops, otherwise the severity the rule gives its harmless cases.

Adding a rule touches one module and its fixtures: ``rules/<name>.py`` with ``CODE``, ``NAME``,
``SEVERITY``, ``KINDS`` (if it reports events), a docstring (summary, why, ``Bad::``, ``Good::``:
it is the rule's documentation) and ``check(ctx)``; ``tests/lint/cases/<CODE>.fires.conf``,
``<CODE>.fires.expected`` and ``<CODE>.clean.conf``; one line in :data:`rules.RULES`; and
``make docs``.
"""
