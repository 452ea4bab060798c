"""Command-line front end: one module per subcommand, each wrapping one library call."""

import os
import sys
from collections.abc import Sequence

# Commands that run with the collector off and leave through os._exit, because it was measured
# there (bench/lint_bench.py): a short run over one config allocates tens of thousands of small
# objects and no cycles worth collecting, and tearing them down one by one at exit costs a fifth
# of the run. Everything else keeps Python's defaults: long-running commands and anything that
# may one day serve requests must not run without the garbage collector.
LEAN_COMMANDS = frozenset({"lint"})


def lean(argv: Sequence[str]) -> bool:
    """Whether the command named by ``argv`` (without the program name) runs lean."""
    return bool(argv) and argv[0] in LEAN_COMMANDS


def run() -> None:
    """The ``squidcarp`` console script (and ``python -m squidcarp``).

    For a :data:`LEAN_COMMANDS` command the cyclic garbage collector is switched off before
    anything else is imported, and once the command has finished and its output is flushed the
    process ends with ``os._exit`` rather than a normal interpreter shutdown (commands close
    their files before they return, and squidcarp registers no ``atexit`` handlers; mypy leaves
    the same way). Other commands exit normally.
    """
    fast = lean(sys.argv[1:])
    if fast:
        import gc

        gc.disable()
    from squidcarp.cli.main import main

    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (squidcarp lint ... | head): not an error
        _silence_stdout()
    except OSError:
        code = code or 3
    if fast:
        os._exit(code)
    sys.exit(code)


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's own final flush does
    not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError:
        pass
