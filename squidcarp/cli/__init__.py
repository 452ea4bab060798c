"""Command-line front end: one module per subcommand, each wrapping one library call."""


def run() -> None:
    """The ``squidcarp`` console script (and ``python -m squidcarp``).

    The cyclic garbage collector is switched off before anything else is imported, for the life of
    this short process: imports and reading a config allocate tens of thousands of small objects
    and no cycles worth collecting, and the collector's passes over them cost start-up time.
    """
    import gc

    gc.disable()
    from squidcarp.cli.main import entry

    entry()
