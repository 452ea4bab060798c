"""YAML documents that remember where each value was written (file and line), for error messages.

``load_yaml(text, file)`` parses one YAML document with PyYAML's safe loader (libyaml when it is
installed) into plain Python data, and records the line of every mapping key and sequence item,
so a checker can say ``array.yaml:14: members[2].weight: ...``. Duplicate keys, which PyYAML
silently resolves to the last one, are errors here: in a file that describes an array, a key
written twice is a mistake, never an intention.

Paths are tuples of keys and indexes, ``("members", 2, "weight")``, written for people as
``members[2].weight`` (:func:`dotted`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Path = tuple[str | int, ...]
MAX_DEPTH = 64  # nesting deeper than any array file needs
MAX_NODES = 200_000  # aliases can make a small text expand without bound ("billion laughs")


class Problem(NamedTuple):
    """One thing wrong in a YAML file, where it was written; sorts by file and line."""

    file: str
    line: int
    path: str
    """The dotted key path (``members[2].weight``)."""
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class YamlError(ValueError):
    """The text is not one well-formed YAML document (or repeats a key)."""

    def __init__(self, file: str, line: int, message: str, path: str = "(file)") -> None:
        self.problem = Problem(file, line, path, message)
        super().__init__(str(self.problem))


def dotted(path: Sequence[str | int]) -> str:
    """``("members", 2, "weight")`` -> ``members[2].weight`` (the root is ``(top level)``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


@dataclass(frozen=True)
class YamlDoc:
    """Parsed data plus the 1-based line of every key and item."""

    file: str
    data: Any
    lines: dict[Path, int] = field(repr=False, compare=False)

    def line(self, path: Sequence[str | int]) -> int:
        """The line of ``path``, or of its nearest ancestor that was written (1 at worst)."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)

    def where(self, path: Sequence[str | int]) -> str:
        """``file:line`` of ``path``."""
        return f"{self.file}:{self.line(path)}"

    def problem(self, path: Sequence[str | int], message: str) -> Problem:
        return Problem(self.file, self.line(path), dotted(path), message)


def load_yaml(text: str | bytes, file: str) -> YamlDoc:
    """Parse one document; raises :class:`YamlError` with the file and line of the problem."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            raise YamlError(file, line, f"not valid YAML: {exc.problem or exc}") from None
        except yaml.YAMLError as exc:  # e.g. bytes that are not UTF-8/16
            raise YamlError(file, 1, f"not valid YAML: {exc}") from None
        lines: dict[Path, int] = {}
        if node is None:
            return YamlDoc(file, None, {(): 1})
        lines[()] = node.start_mark.line + 1
        data = _Builder(loader, file, lines).build(node, ())
        return YamlDoc(file, data, lines)
    finally:
        loader.dispose()


class _Builder:
    """Nodes -> plain data, with the line of every key and item, within bounds."""

    def __init__(self, loader: Any, file: str, lines: dict[Path, int]) -> None:
        self.loader = loader
        self.file = file
        self.lines = lines
        self.count = 0

    def build(self, node: Any, path: Path) -> Any:
        import yaml

        self.count += 1
        if self.count > MAX_NODES or len(path) > MAX_DEPTH:
            raise YamlError(self.file, node.start_mark.line + 1,
                            "the document is too large or too deeply nested", dotted(path))
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlError(self.file, key_node.start_mark.line + 1,
                                    "mapping keys must be plain words", dotted(path))
                key = str(self.scalar(key_node))
                child = (*path, key)
                if key in out:
                    raise YamlError(self.file, key_node.start_mark.line + 1,
                                    f"key given twice (first at line {self.lines[child]})",
                                    dotted(child))
                self.lines[child] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = (*path, index)
                self.lines[child] = item.start_mark.line + 1
                items.append(self.build(item, child))
            return items
        return self.scalar(node)

    def scalar(self, node: Any) -> Any:
        import yaml

        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise YamlError(self.file, node.start_mark.line + 1, f"bad value: {exc}") from None
