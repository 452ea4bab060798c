"""Where the templates are found (installed package, checkout, user folder) and template errors."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from squidcarp.carp.array import CarpArray
from squidcarp.generate.pac import PacOptions, pac_script
from squidcarp.generate.templates import TemplateError, builtin_templates, environment, render
from tests.conftest import REPO


def _layout(root: Path, *, installed: bool, checkout: bool, mark: bool = True) -> Path:
    package = root / "squidcarp"
    package.mkdir(parents=True)
    if installed:
        (package / "_templates" / "pac").mkdir(parents=True)
        (package / "_templates" / "pac" / "proxy.pac.j2").write_text("installed\n")
    if checkout:
        (root / "templates" / "pac").mkdir(parents=True)
        (root / "templates" / "pac" / "proxy.pac.j2").write_text("checkout\n")
    if mark:
        (root / "pyproject.toml").write_text("[project]\n")
    return package


def test_an_installed_package_uses_its_own_templates(tmp_path: Path) -> None:
    package = _layout(tmp_path, installed=True, checkout=True)
    assert builtin_templates(package) == package / "_templates"
    env = environment(package_dir=package)
    assert render(env, "pac/proxy.pac.j2", {}) == "installed\n"


def test_a_checkout_uses_the_top_level_templates(tmp_path: Path) -> None:
    package = _layout(tmp_path, installed=False, checkout=True)
    assert builtin_templates(package) == tmp_path / "templates"
    assert render(environment(package_dir=package), "pac/proxy.pac.j2", {}) == "checkout\n"


def test_this_checkout(tmp_path: Path) -> None:
    assert builtin_templates() == REPO / "templates"
    assert (builtin_templates() / "pac" / "proxy.pac.j2").is_file()


def test_no_templates_anywhere(tmp_path: Path) -> None:
    package = _layout(tmp_path, installed=False, checkout=True, mark=False)
    with pytest.raises(TemplateError) as err:
        builtin_templates(package)
    assert str(err.value) == (
        f"no built-in templates: neither {package / '_templates'} nor a checkout's "
        f"{tmp_path / 'templates'} exists (reinstall squidcarp, or give a templates folder)")


def test_a_user_folder_overrides_single_templates(tmp_path: Path) -> None:
    package = _layout(tmp_path / "site", installed=True, checkout=False)
    (package / "_templates" / "other.j2").write_text("built-in other\n")
    user = tmp_path / "mine"
    (user / "pac").mkdir(parents=True)
    (user / "pac" / "proxy.pac.j2").write_text("mine {{ x }}\n")
    env = environment(user, package_dir=package)
    assert render(env, "pac/proxy.pac.j2", {"x": 1}) == "mine 1\n"
    assert render(env, "other.j2", {}) == "built-in other\n"


def test_a_missing_user_folder(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as err:
        environment(tmp_path / "nope")
    assert str(err.value) == f"{tmp_path / 'nope'}: no such templates folder"


def test_the_environment_is_strict_and_does_not_escape(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("{% for i in xs %}\n<{{ i }}&>\n{% endfor %}\nend\n")
    env = environment(tmp_path)
    assert isinstance(env.undefined, type) and issubclass(env.undefined, jinja2.StrictUndefined)
    assert render(env, "t.j2", {"xs": ['"a"', "b"]}) == '<"a"&>\n<b&>\nend\n'


def test_template_errors_name_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "syntax.j2").write_text("one\n{% for x in %}\n")
    (tmp_path / "undefined.j2").write_text("one\ntwo\n{{ missing }}\n")
    env = environment(tmp_path)
    with pytest.raises(TemplateError) as err:
        render(env, "syntax.j2", {})
    assert str(err.value) == f"{tmp_path / 'syntax.j2'}:2: Expected an expression, got 'end of "\
                             "statement block'"
    with pytest.raises(TemplateError) as err:
        render(env, "undefined.j2", {})
    assert str(err.value) == f"{tmp_path / 'undefined.j2'}:3: 'missing' is undefined"
    with pytest.raises(TemplateError) as err:
        render(env, "absent.j2", {})
    assert str(err.value).startswith(f"template absent.j2 not found in {tmp_path}, ")


def test_pac_options_templates_replace_the_pac_template(tmp_path: Path) -> None:
    (tmp_path / "pac").mkdir()
    (tmp_path / "pac" / "proxy.pac.j2").write_text(
        "function FindProxyForURL(url, host) { return {{ config_order }}; }\n")
    array = CarpArray.from_members(["a.example", "b.example"])
    pac = pac_script(array, {"a.example": "a.example:3128", "b.example": "b.example:8080"},
                     options=PacOptions(templates=str(tmp_path)))
    assert pac == ('function FindProxyForURL(url, host) { return "PROXY a.example:3128; '
                   'PROXY b.example:8080"; }\n')
