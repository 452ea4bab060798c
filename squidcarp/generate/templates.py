"""The jinja2 environment for generated files, and where the templates come from.

Templates are looked up, first match wins:

1. in the folder the user gave (``--templates DIR``): a file there replaces the built-in one of
   the same name (``pac/proxy.pac.j2``, ...), and every other template still comes from 2.;
2. in the built-in set: ``squidcarp/_templates`` when squidcarp is an installed package (the
   wheel ships the checkout's ``templates/`` there), else the checkout's top-level
   ``templates/`` (a source tree or an editable install: the folder beside the ``squidcarp``
   package, recognised by the ``pyproject.toml`` next to it).

``builtin/NAME`` is always the built-in template ``NAME``, so a user template can extend the one
it replaces and fill only its blocks: ``{% extends "builtin/array/compose.yaml.j2" %}``.

The environment never invents values (``StrictUndefined``: a misspelt variable is an error, not
an empty string), never HTML-escapes (the outputs are squid.conf, JavaScript and YAML, each
template escapes what its language needs), keeps a template's final newline, and drops the
newline after a block tag so ``{% for %}`` lines leave no blank lines behind.

Errors from templates (a missing or unparsable file, an undefined variable) are raised as
:class:`TemplateError` naming the template file and line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

PACKAGE_TEMPLATES = "_templates"
"""The folder inside the installed ``squidcarp`` package that holds the built-in templates."""
CHECKOUT_TEMPLATES = "templates"
"""The checkout's top-level templates folder."""
CHECKOUT_MARK = "pyproject.toml"
"""A file beside ``templates/`` that tells a checkout from some other ``templates`` folder."""
BUILTIN_PREFIX = "builtin"
"""``builtin/NAME`` names the built-in template ``NAME`` whatever the user folder holds."""

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


class TemplateError(Exception):
    """No templates folder, or a template that cannot be read or rendered."""


def builtin_templates(package_dir: str | os.PathLike[str] | None = None) -> Path:
    """The built-in templates folder for the ``squidcarp`` package at ``package_dir``.

    ``package_dir`` defaults to the package this module belongs to; tests give other layouts.
    """
    package = Path(package_dir) if package_dir is not None else _PACKAGE_DIR
    installed = package / PACKAGE_TEMPLATES
    if installed.is_dir():
        return installed
    checkout = package.parent / CHECKOUT_TEMPLATES
    if checkout.is_dir() and (package.parent / CHECKOUT_MARK).is_file():
        return checkout
    raise TemplateError(
        f"no built-in templates: neither {installed} nor a checkout's {checkout} exists "
        "(reinstall squidcarp, or give a templates folder)"
    )


def environment(
    templates: str | os.PathLike[str] | None = None,
    package_dir: str | os.PathLike[str] | None = None,
) -> jinja2.Environment:
    """An environment that looks in ``templates`` (when given) before the built-in templates."""
    search: list[str] = []
    if templates is not None:
        folder = Path(templates)
        if not folder.is_dir():
            raise TemplateError(f"{os.fspath(templates)}: no such templates folder")
        search.append(os.fspath(folder))
    builtin = os.fspath(builtin_templates(package_dir))
    search.append(builtin)
    return jinja2.Environment(
        loader=_Loader(search, builtin),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class _Loader(jinja2.ChoiceLoader):
    """The folders in order, then ``builtin/NAME`` for the built-in folder's ``NAME``."""

    def __init__(self, search: list[str], builtin: str) -> None:
        self.searchpath = search
        super().__init__([
            jinja2.FileSystemLoader(search),
            jinja2.PrefixLoader({BUILTIN_PREFIX: jinja2.FileSystemLoader(builtin)}),
        ])


def render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render template ``name``; any template problem becomes a :class:`TemplateError`."""
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateNotFound:
        searched = getattr(env.loader, "searchpath", [])
        raise TemplateError(
            f"template {name} not found in {', '.join(searched) or 'the loader'}"
        ) from None
    try:
        return template.render(context)
    except jinja2.TemplateError as exc:
        where = template.filename or name
        line = _template_line(where)
        at = f"{where}:{line}" if line else where
        raise TemplateError(f"{at}: {exc.message or type(exc).__name__}") from None


def _template_line(filename: str) -> int | None:
    """The template line being rendered when the current exception was raised.

    jinja2 rewrites tracebacks so that frames of compiled templates carry the template's file
    name and line; the innermost such frame is the line at fault.
    """
    tb = sys.exc_info()[2]
    line: int | None = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
