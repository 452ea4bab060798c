"""Command-line front end: one module per subcommand, each wrapping one library call."""

import os
import sys


def run() -> None:
    """The ``squidcarp`` console script (and ``python -m squidcarp``).

    The cyclic garbage collector is switched off before anything else is imported, for the life of
    this short process: imports and reading a config allocate tens of thousands of small objects
    and no cycles worth collecting, and the collector's passes over them cost start-up time.

    Once the command has finished and its output is flushed, the process ends with ``os._exit``
    rather than a normal interpreter shutdown, which would free every object of the config just
    read one by one (a fifth of a lint run). Nothing is lost: commands close their files before
    they return, and squidcarp registers no ``atexit`` handlers. (mypy leaves the same way.)
    """
    import gc

    gc.disable()
    from squidcarp.cli.main import main

    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (squidcarp lint ... | head): not an error
        pass
    except OSError:
        code = code or 3
    os._exit(code)
