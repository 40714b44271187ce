"""Reads condarc files: YAML values plus the ``#!final`` / ``#!top`` / ``#!bottom`` flags.

conda reads condarc with ruamel.yaml's round-trip loader (YAML 1.2) and takes the flags
from the comments ruamel attaches to keys and items. PyYAML (its C loader when present)
drops comments, so the flags are found here from the node positions: the comment that
conda sees for a value is the run of comments between the value and the next token
(for a block collection, between the ``:`` and its first item). A flag counts only
when that run is a single comment reading ``#!final``, ``#!top`` or ``#!bottom``
(``#`` and ``!`` stripped from both ends), which is how ruamel's comment text behaves.
"""

from __future__ import annotations

import re
from functools import cache

from .exceptions import ConfigurationLoadError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FINAL = "final"
TOP = "top"
BOTTOM = "bottom"
_FLAGS = frozenset((FINAL, TOP, BOTTOM))
#: More values than this in one file (aliases expanded) is refused rather than built.
_MAX_VALUES = 100_000
#: Nor are lists and maps nested deeper than this.
_MAX_DEPTH = 100


class Node:
    """One value from one source: primitive, tuple of Node, or dict of Node; with its flag."""

    __slots__ = ("value", "flag", "source")

    def __init__(self, value: Any, flag: str | None = None, source: str = "") -> None:
        self.value = value
        self.flag = flag
        self.source = source

    def __repr__(self) -> str:
        return f"Node({self.value!r}, {self.flag!r})"

    def plain(self) -> Any:
        """The value without flags (nested Nodes unwrapped)."""
        if isinstance(self.value, tuple):
            return tuple(child.plain() for child in self.value)
        if isinstance(self.value, dict):
            return {key: child.plain() for key, child in self.value.items()}
        return self.value


@cache
def _loader_class(pure: bool = False) -> Any:
    """PyYAML's safe loader (the C one when built with libyaml) reading YAML 1.2 scalars.

    ruamel.yaml reads condarc files as YAML 1.2: ``yes``/``on`` stay strings and dates stay
    text, where PyYAML's YAML 1.1 resolvers would make booleans and dates. Built on first
    use so that importing this module does not import yaml.
    """
    import yaml

    base = yaml.SafeLoader if pure else getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc,valid-type]
        yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
    # ruamel.yaml's YAML 1.2 number patterns
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"""^(?:
             [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            re.X,
        ),
        list("-+0123456789."),
    )
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(
            r"""^(?:[-+]?0b[0-1_]+
            |[-+]?0o?[0-7_]+
            |[-+]?[0-9_]+
            |[-+]?0x[0-9a-fA-F_]+)$""",
            re.X,
        ),
        list("-+0123456789"),
    )
    Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
    Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    # An explicit !!timestamp stays text: conda's loader would hand back a type its
    # configuration cannot hold.
    Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)
    return Loader


def _construct_int(loader: Any, node: Any) -> int | str:
    """An int as YAML 1.2 spells it; a malformed one (``_``, ``0o_``) stays text where ruamel crashes."""
    text = str(loader.construct_scalar(node))
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2], 10)
    if base != 10:
        digits = digits[2:]
    try:
        return sign * int(digits, base)
    except ValueError:
        return text


def _construct_float(loader: Any, node: Any) -> float | str:
    text = str(loader.construct_scalar(node))
    try:
        return loader.construct_yaml_float(node)  # type: ignore[no-any-return]
    except ValueError:
        return text


def _construct_str(loader: Any, node: Any) -> str:
    return str(loader.construct_scalar(node))


def _flag_of(comment_run: list[str]) -> str | None:
    if len(comment_run) != 1:
        return None
    word = comment_run[0].strip().strip("!#")
    return word if word in _FLAGS else None


class _Reader:
    """Walks a composed YAML document, building Nodes with their comment flags."""

    def __init__(self, text: str, loader: Any, source: str) -> None:
        import yaml

        self.yaml = yaml
        self.text = text
        self.source = source
        self.has_comments = "#" in text
        self.loader = loader
        self._line_starts: list[int] | None = None
        self._open: set[int] = set()
        self._budget = _MAX_VALUES
        # An alias is the node it names, at the node's place in the text: each reading of the
        # comments there (or of a key's colon) is kept, as one node may be read 100,000 times.
        self._flags: dict[tuple[int, bool], str | None] = {}
        self._colons: dict[int, int] = {}

    def _offset(self, mark: Any) -> int:
        # Marks carry a character index in both PyYAML loaders; lines and columns are the
        # fallback should a loader report a byte index instead.
        index = getattr(mark, "index", None)
        if isinstance(index, int) and 0 <= index <= len(self.text):
            return index
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.text))
            self._line_starts = starts
        line: int = mark.line
        column: int = mark.column
        return self._line_starts[min(line, len(self._line_starts) - 1)] + column

    def _comments_from(self, pos: int) -> list[str]:
        """The comments between ``pos`` and the next token."""
        text = self.text
        end = len(text)
        found: list[str] = []
        while pos < end:
            char = text[pos]
            if char in " \t\r\n\ufeff":
                pos += 1
            elif char == "#":
                stop = text.find("\n", pos)
                stop = end if stop < 0 else stop
                found.append(text[pos:stop])
                pos = stop
            else:
                break
        return found

    def _flag_after(self, pos: int, same_line: bool) -> str | None:
        """The flag of the comment run from ``pos``; with ``same_line`` it must start on that line."""
        if not self.has_comments:
            return None
        key = (pos, same_line)
        if key not in self._flags:
            self._flags[key] = self._read_flag_after(pos, same_line)
        return self._flags[key]

    def _read_flag_after(self, pos: int, same_line: bool) -> str | None:
        if same_line:
            text = self.text
            while pos < len(text) and text[pos] in " \t":
                pos += 1
            if pos >= len(text) or text[pos] != "#":
                return None
        return _flag_of(self._comments_from(pos))

    def _value_flag(self, node: Any) -> str | None:
        """The flag after a scalar (comment lines below count) or a flow collection (its own line only)."""
        return self._flag_after(self._offset(node.end_mark), same_line=not isinstance(node, self.yaml.ScalarNode))

    def _entry_flag(self, key_node: Any, value_node: Any) -> str | None:
        """The flag of a map entry: after the ``:`` for a block collection, else after the value."""
        if not self.has_comments:
            return None
        if self._is_block_collection(value_node):
            # Only a comment on the key's own line belongs to the key; comment lines below
            # it go to the first item (ruamel's attachment).
            key_end = self._offset(key_node.end_mark)
            colon = self._colons.get(key_end)
            if colon is None:
                colon = self._colons[key_end] = self.text.find(":", key_end)
            if colon < 0 or colon >= self._offset(value_node.start_mark):
                return None
            return self._flag_after(colon + 1, same_line=True)
        return self._value_flag(value_node)

    def _is_block_collection(self, node: Any) -> bool:
        return isinstance(node, (self.yaml.MappingNode, self.yaml.SequenceNode)) and not node.flow_style

    def _reject_duplicate_keys(self, node: Any) -> None:
        # ruamel (conda's reader) refuses a key given twice in one mapping; PyYAML keeps the last.
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.loader.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # an unhashable key; the constructor reports it
            if duplicate:
                raise self.yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )

    def build(self, node: Any, flag: str | None = None) -> Node:
        self._budget -= 1
        if self._budget < 0:  # aliases can make a small file expand without bound
            raise self.yaml.constructor.ConstructorError(
                None, None, f"more than {_MAX_VALUES:,} values once aliases are expanded", node.start_mark
            )
        if isinstance(node, (self.yaml.SequenceNode, self.yaml.MappingNode)):
            if id(node) in self._open:
                raise self.yaml.constructor.ConstructorError(
                    None, None, "found a recursive alias (a collection that contains itself)", node.start_mark
                )
            if len(self._open) >= _MAX_DEPTH:
                raise self.yaml.constructor.ConstructorError(
                    None, None, f"values nested more than {_MAX_DEPTH} deep", node.start_mark
                )
            self._open.add(id(node))
            try:
                return self._build_collection(node, flag)
            finally:
                self._open.discard(id(node))
        return Node(self.loader.construct_object(node, deep=True), flag, self.source)

    def _build_collection(self, node: Any, flag: str | None) -> Node:
        if isinstance(node, self.yaml.SequenceNode):
            items = []
            for child in node.value:
                if self._is_block_collection(child):
                    child_flag = None
                else:
                    child_flag = self._value_flag(child)
                items.append(self.build(child, child_flag))
            return Node(tuple(items), flag, self.source)
        if isinstance(node, self.yaml.MappingNode):
            self._reject_duplicate_keys(node)
            self.loader.flatten_mapping(node)
            entries: dict[Any, Node] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise self.yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                    ) from None
                entries[key] = self.build(value_node, self._entry_flag(key_node, value_node))
            return Node(entries, flag, self.source)
        raise TypeError(f"not a collection node: {node!r}")  # pragma: no cover


def _mark_text(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return ""
    return f" at line {mark.line + 1}, column {mark.column + 1}"


def parse_text(text: str, source: str, *, pure: bool = False) -> dict[str, Node]:
    """The top-level settings in condarc ``text``; ``source`` names it in errors."""
    import yaml

    loader = _loader_class(pure)(text)
    try:
        root = loader.get_single_node()
        if root is None or (isinstance(root, yaml.ScalarNode) and loader.construct_object(root) is None):
            return {}
        if not isinstance(root, yaml.MappingNode):
            kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
            raise ConfigurationLoadError(
                source, "  reason: the top level is %(kind)s, not a mapping of settings", kind=kind
            )
        document = _Reader(text, loader, source).build(root)
    except RecursionError:  # the pure-Python parser on deeply nested flow collections
        raise ConfigurationLoadError(source, "  reason: invalid yaml: nested too deeply") from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigurationLoadError(
            source, "  reason: invalid yaml%(where)s: %(problem)s", where=_mark_text(exc), problem=problem
        ) from None
    finally:
        loader.dispose()
    # keys that name no setting (a number, say) are kept and ignored, like any unknown key
    return dict(document.value)


def parse_file(path: str) -> dict[str, Node]:
    """The settings in the condarc file at ``path`` (OSError propagates to the caller)."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    return parse_text(text, path)
