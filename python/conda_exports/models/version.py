"""conda's version grammar: ``VersionOrder`` (ordering) and ``VersionSpec`` (matching).

Behaviour follows conda 25.1 (``conda.models.version``); the implementation is this
package's own and is built for speed:

* A ``VersionOrder`` is parsed once per distinct string (a per-string cache, as conda
  has) by the ``version`` kernel (``rust/version.rs``, or ``_fallback/version.py``, which
  yields the same bytes) into its normalised text and a *sort key*: ``bytes`` whose plain
  byte order is exactly conda's order, including conda's rule that missing parts count
  as ``0`` (so ``1.1 == 1.1.0`` but ``1.1a < 1.1``). Every comparison is then a
  ``memcmp``, and the key doubles as the hash (deliberately unlike conda, whose
  ``VersionOrder`` is unhashable). conda's component lists (``.version``, ``.local``) are
  built only when asked for (``startswith`` uses them).
* Measured (benches/bench_version.py, 200k real-shaped version strings): sorting with
  ``key=VersionOrder`` is about 8x faster than conda 25.1 and faster than sorting
  py-rattler's ``Version`` objects; the Rust kernel parses about 2x faster than the
  Python one.
* ``VersionSpec`` compiles a spec string once (cached per string) into a small matcher:
  an operator plus a ``VersionOrder``, a prefix test, a regex, or an and/or group.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from .. import _backend
from .._version_grammar import checked_key as _checked_key
from .._version_grammar import parse as _parse
from ..exceptions import InvalidVersionSpec
from ._glob import Glob

if TYPE_CHECKING:
    from .._version_grammar import Components

__all__ = [
    "BuildNumberMatch",
    "VersionMatch",
    "VersionOrder",
    "VersionSpec",
    "normalized_version",
    "treeify",
    "untreeify",
    "ver_eval",
]

_log = logging.getLogger(__name__)

_CACHE_LIMIT = 1 << 18


#: The active backend's ``version_key`` kernel, bound once per switch (see ``_switched``).
_kernel = _backend.version.version_key


def _fallback_key(vstr: str) -> tuple[str, bytes]:
    """What the kernel leaves to Python: non-ASCII text, lone surrogates, digit runs over
    the int-string limit, and errors (conda's exception with conda's message)."""
    return _checked_key(vstr)


def _padded_equal(a: Components, b: Components) -> bool:
    """conda's equality of two component lists, missing parts being zeros."""
    for i in range(max(len(a), len(b))):
        ca = a[i] if i < len(a) else ()
        cb = b[i] if i < len(b) else ()
        for j in range(max(len(ca), len(cb))):
            x = ca[j] if j < len(ca) else 0
            y = cb[j] if j < len(cb) else 0
            if x != y:
                return False
    return True


class VersionOrder:
    """A parsed conda version string, ordered and compared as conda orders versions.

    ``VersionOrder(s)`` returns a cached instance for a string already seen. Invalid
    strings raise ``InvalidVersionSpec`` naming the string.
    """

    __slots__ = ("norm_version", "_key", "_parts", "__weakref__")
    norm_version: str
    _key: bytes
    _parts: tuple[Components, Components]
    fillvalue = 0

    _cache_: dict[str, VersionOrder] = {}

    def __new__(cls, vstr: object) -> VersionOrder:
        # the Python backend's; the compiled one binds its own builtin (see _bind_new), which
        # hands back here every call it does not make itself
        cache = cls._cache_
        if vstr.__class__ is not str:
            if isinstance(vstr, VersionOrder):
                return vstr
            if not isinstance(vstr, str):
                raise TypeError(f"VersionOrder needs a str, not {type(vstr).__name__}: {vstr!r}")
        self = cache.get(vstr)
        if self is not None:
            return self
        parsed = _kernel(vstr) or _fallback_key(vstr)
        self = _new_object(cls)
        self.norm_version, self._key = parsed  # _parts stays unset until asked for
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[vstr] = self
        return self

    @classmethod
    def _many(cls, strings: list[str]) -> list[VersionOrder]:
        """VersionOrders of many strings at once (one kernel call for the ones not cached)."""
        cache = cls._cache_
        todo = [s for s in strings if s.__class__ is str and s not in cache]
        if todo:
            if len(cache) + len(todo) >= _CACHE_LIMIT:
                cache.clear()
            for s, parsed in zip(todo, _backend.version.version_keys(todo)):
                self = _new_object(cls)
                self.norm_version, self._key = parsed or _fallback_key(s)
                cache[s] = self
        return [cache[s] if s.__class__ is str and s in cache else cls(s) for s in strings]

    def _parsed(self) -> tuple[Components, Components]:
        try:
            return self._parts
        except AttributeError:
            _, version, local = _parse(self.norm_version)
            parts = self._parts = (version, local)
            return parts

    @property
    def version(self) -> Components:
        """conda's component lists of the version part, epoch first: ``1.2a`` -> ``[[0], [1], [2, 'a']]``."""
        return self._parsed()[0]

    @property
    def local(self) -> Components:
        """conda's component lists of the local part (after ``+``)."""
        return self._parsed()[1]

    def __reduce__(self) -> tuple[type[VersionOrder], tuple[str]]:
        return (VersionOrder, (self.norm_version,))

    def __str__(self) -> str:
        return self.norm_version

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}("{self.norm_version}")'

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is VersionOrder or isinstance(other, VersionOrder):
            return self._key == other._key
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __lt__(self, other: object) -> bool:
        if isinstance(other, VersionOrder):
            return self._key < other._key
        return False  # as conda: anything that is not a version is never greater

    def __gt__(self, other: object) -> bool:
        if isinstance(other, VersionOrder):
            return self._key > other._key
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, VersionOrder):
            return self._key <= other._key
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, VersionOrder):
            return self._key >= other._key
        return NotImplemented

    def startswith(self, other: object) -> bool:
        """conda's prefix test behind ``1.2.*`` and ``=1.2``: ``1.2.3`` starts with ``1.2``."""
        if not isinstance(other, VersionOrder):
            return False
        if other.local:
            if not _padded_equal(self.version, other.version):
                return False
            mine, theirs = self.local, other.local
        else:
            mine, theirs = self.version, other.version
        last = len(theirs) - 1
        if not _padded_equal(mine[:last], theirs[:last]):
            return False
        comp = mine[last] if len(mine) > last else []
        prefix = theirs[last]
        n = len(prefix) - 1
        if not _padded_equal([comp[:n]], [prefix[:n]]):
            return False
        mine_item = comp[n] if len(comp) > n else 0
        their_item = prefix[n]
        if their_item.__class__ is str:
            return mine_item.__class__ is str and mine_item.startswith(their_item)
        return mine_item == their_item


_new_object = object.__new__
_new_in_python = VersionOrder.__new__


def _bind_new() -> None:
    """Makes the active backend's ``VersionOrder.__new__`` the class's."""
    new = _backend.version.version_order_new(VersionOrder, VersionOrder._cache_, _new_in_python, _CACHE_LIMIT)
    type.__setattr__(VersionOrder, "__new__", staticmethod(new))


_bind_new()


@_backend.on_switch
def _switched() -> None:
    """Binds the new backend's kernels and empties the caches, which hold the old one's output."""
    global _kernel
    _kernel = _backend.version.version_key
    _bind_new()
    VersionOrder._cache_.clear()
    VersionSpec._cache_.clear()
    BuildNumberMatch._cache_.clear()


def normalized_version(version: str) -> VersionOrder:
    """The ``VersionOrder`` of a version string (conda.exports' name for it)."""
    return VersionOrder(version)


def ver_eval(vtest: str, spec: str) -> bool:
    """True when version ``vtest`` satisfies the version spec ``spec``."""
    return VersionSpec(spec).match(vtest)


# ---------------------------------------------------------------------------
# and/or expressions: "1.2,<2|>=3" -> ('|', (',', '1.2', '<2'), '>=3')

_TOKENS = re.compile(r"\s*\^[^$]*[$]|\s*[()|,]|[^()|,]+")
# _TOKENS without its first branch, for the part of the text after the last "$": there the
# branch would scan to the end and fail at every "^", which makes findall quadratic
_TOKENS_AFTER_LAST_DOLLAR = re.compile(r"\s*[()|,]|[^()|,]+")


def _tokens(text: str) -> list[str]:
    """``_TOKENS.findall(text)``, in linear time."""
    last_dollar = text.rfind("$")
    tokens = []
    pos, end = 0, len(text)
    while pos < end:
        pattern = _TOKENS if pos <= last_dollar else _TOKENS_AFTER_LAST_DOLLAR
        m = pattern.match(text, pos)
        if m is None:  # findall's step past a position where nothing matches
            pos += 1
            continue
        tokens.append(m.group())
        pos = m.end()
    return tokens


class _Join:
    """``op`` applied to two subtrees while parsing; flattened into tuples only at the end,
    since flattening at every join copies ever longer tuples (quadratic)."""

    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: object, right: object) -> None:
        self.op, self.left, self.right = op, left, right


def _operands_of(join: _Join) -> list[object]:
    """The operands of ``join`` in order, looking through nested joins with the same op."""
    operands = []
    todo: list[object] = [join]
    while todo:
        node = todo.pop()
        if isinstance(node, _Join) and node.op == join.op:
            todo += (node.right, node.left)
        else:
            operands.append(node)
    return operands


def _as_tuples(root: object) -> object:
    """The tuple tree of ``root``: each run of one operator is one flat tuple."""
    if not isinstance(root, _Join):
        return root
    built: dict[int, tuple[object, ...]] = {}
    todo: list[tuple[_Join, list[object] | None]] = [(root, None)]
    while todo:
        join, operands = todo.pop()
        if operands is None:  # first visit: its operands' trees are built before it
            operands = _operands_of(join)
            todo.append((join, operands))
            todo += ((o, None) for o in operands if isinstance(o, _Join))
        else:
            built[id(join)] = (join.op, *(built.pop(id(o)) if isinstance(o, _Join) else o for o in operands))
    return built[id(root)]


#: For each operator, what stops it from applying pending operators: "," binds tighter than "|".
_WEAKER_THAN = {"|": "(", ",": "|("}


def treeify(spec_str: str) -> object:
    """Parses an and/or version expression into a tuple tree; ``,`` binds tighter than ``|``."""
    if not isinstance(spec_str, str):
        raise TypeError(f"version spec must be a str, not {type(spec_str).__name__}")
    operands: list[object] = []
    pending: list[str] = []  # operators and open parentheses not applied yet

    def collapse(barriers: str) -> None:
        """Apply pending operators, innermost first, until one of ``barriers`` is on top."""
        while pending and pending[-1] not in barriers:
            if len(operands) < 2:
                raise InvalidVersionSpec(spec_str, "cannot join single expression")
            operator = pending.pop()
            right, left = operands.pop(), operands.pop()
            operands.append(_Join(operator, left, right))

    # The whole expression is wrapped in parentheses so that the last ")" collapses everything.
    for token in map(str.strip, _tokens(f"({spec_str})")):
        if token in _WEAKER_THAN:
            collapse(_WEAKER_THAN[token])
            pending.append(token)
        elif token == "(":
            pending.append(token)
        elif token == ")":
            collapse("(")
            if not pending:
                raise InvalidVersionSpec(spec_str, "expression must start with '('")
            pending.pop()
        else:
            operands.append(token)
    if pending:
        raise InvalidVersionSpec(spec_str, f"unable to convert to expression tree: {pending}")
    if not operands:
        raise InvalidVersionSpec(spec_str, "unable to determine version from spec")
    return _as_tuples(operands[0])


def untreeify(spec: object, _inand: bool = False, depth: int = 0) -> str:
    """The string form of a tree from ``treeify`` (parenthesised as conda writes it)."""
    if not isinstance(spec, tuple):
        return spec  # type: ignore[return-value]  # a leaf of the tree: a str
    if spec[0] == "|":
        text = "|".join(untreeify(s, depth=depth + 1) for s in spec[1:])
        return f"({text})" if _inand or depth > 0 else text
    text = ",".join(untreeify(s, _inand=True, depth=depth + 1) for s in spec[1:])
    return f"({text})" if depth > 0 else text


# ---------------------------------------------------------------------------
# matchers

_RELATION = re.compile(r"(=|==|!=|<=|>=|<|>|~=)(?![=<>!~])(\S+)")
_NEEDS_TREE = re.compile(r".*[()|,^$]")
_OPERATOR_START = frozenset("=<>!~")

# matcher kinds
_ALWAYS, _ANY, _ALL, _REGEX, _OP, _PREFIX, _EXACT = range(7)


def _compile(pattern: str, spec: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:  # conda lets re.error escape; we name the spec instead
        raise InvalidVersionSpec(spec, f"invalid regular expression: {exc}") from None


# what makes a glob spec's regex more than literal text between ".*"s (the regex
# backtracks over every ".*", exponentially in the stars)
_REGEX_SYNTAX = frozenset("\\?[]{}()|^$")


def _compare(op: str, vo: VersionOrder, target: VersionOrder) -> bool:
    if op == "==":
        return vo._key == target._key
    if op == ">=":
        return vo._key >= target._key
    if op == "<":
        return vo._key < target._key
    if op == "<=":
        return vo._key <= target._key
    if op == ">":
        return vo._key > target._key
    if op == "!=":
        return vo._key != target._key
    if op == "=":
        return vo.startswith(target)
    if op == "!=startswith":
        return not vo.startswith(target)
    # "~=": at least target, and within target's series (its last component dropped);
    # as in conda, the series is only parsed (and may only then fail) for versions >= target
    if vo._key < target._key:
        return False
    return vo.startswith(VersionOrder(".".join(str(target).split(".")[:-1])))


class _BaseSpec:
    """What VersionSpec and BuildNumberMatch share: spec text, exactness, equality."""

    __slots__ = ("spec_str", "_is_exact", "_kind", "_op", "matcher_vo", "regex", "_glob", "tup")
    spec_str: str | int  # an int only for a BuildNumberMatch of a number
    _is_exact: bool
    _kind: int
    _op: str | None
    matcher_vo: VersionOrder | None
    regex: re.Pattern[str] | None
    _glob: Glob | None  # a glob spec's regex, matched in linear time
    tup: tuple[_BaseSpec, ...]

    @property
    def spec(self) -> object:
        return self.spec_str

    def is_exact(self) -> bool:
        return self._is_exact

    @property
    def raw_value(self) -> object:
        return self.spec_str

    @property
    def exact_value(self) -> object:
        return (self._is_exact and self.spec_str) or None

    def __eq__(self, other: object) -> bool:
        other_spec: object
        try:
            other_spec = other.spec  # type: ignore[attr-defined]  # duck-typed: any object with a .spec
        except AttributeError:
            other_spec = self.__class__(other).spec  # type: ignore[call-arg]  # the subclasses' __new__ takes it
        return self.spec == other_spec

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.spec_str)

    def __str__(self) -> str:
        return str(self.spec_str)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}('{self.spec_str}')"

    def __reduce__(self) -> tuple[type[_BaseSpec], tuple[str | int]]:
        return (self.__class__, (self.spec_str,))

    def _init_slots(self) -> None:
        self._op = None
        self.matcher_vo = None
        self.regex = None
        self._glob = None
        self.tup = ()

    def match(self, value: object) -> bool:
        kind = self._kind
        if kind == _OP:
            return _compare(self._op, VersionOrder(str(value)), self.matcher_vo)  # type: ignore[arg-type]  # _OP: _op and matcher_vo are set
        if kind == _PREFIX:
            return VersionOrder(str(value)).startswith(self.matcher_vo)
        if kind == _ALWAYS:
            return True
        if kind == _ANY:
            return any(s.match(value) for s in self.tup)
        if kind == _ALL:
            return all(s.match(value) for s in self.tup)
        if kind == _REGEX:
            text = value if isinstance(value, str) else str(value)
            if self._glob is not None:
                return self._glob.match(text) is not None
            return self.regex.match(text) is not None  # type: ignore[union-attr]  # _REGEX: regex is set
        return self.spec_str == value


class VersionSpec(_BaseSpec):
    """A version constraint such as ``>=1.2,<2|3.*``; ``.match(version_str)`` tests one version."""

    __slots__ = ()
    spec_str: str
    _cache_: dict[str, VersionSpec] = {}

    def __new__(cls, vspec: object) -> VersionSpec:
        if isinstance(vspec, VersionSpec):
            return vspec
        is_str = isinstance(vspec, str)
        if isinstance(vspec, str):
            cached = cls._cache_.get(vspec)
            if cached is not None:
                return cached
        self = object.__new__(cls)
        self._op = None
        self.matcher_vo = None
        self.regex = None
        self._glob = None
        self.tup = ()
        self._build(vspec)
        if is_str:
            cache = cls._cache_
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[vspec] = self  # type: ignore[index]  # is_str: vspec is a str
        return self

    def _build(self, vspec: object) -> None:
        if isinstance(vspec, str) and _NEEDS_TREE.match(vspec):
            if _plain_list(self, vspec):
                return
            vspec = treeify(vspec)
        if isinstance(vspec, tuple):
            children = tuple(VersionSpec(s) for s in vspec[1:])
            self.tup = children
            self._kind = _ANY if vspec[0] == "|" else _ALL
            self.spec_str = untreeify((vspec[0], *(c.spec_str for c in children)))
            self._is_exact = False
            return

        text = str(vspec).strip()
        if not text:
            # conda fails here with an IndexError
            raise InvalidVersionSpec(text, "empty version spec")
        self._is_exact = False
        if text[0] == "^" or text[-1] == "$":
            if text[0] != "^" or text[-1] != "$":
                raise InvalidVersionSpec(text, "regex specs must start with '^' and end with '$'")
            self.regex = _compile(text, text)
            self._kind = _REGEX
        elif text[0] in _OPERATOR_START:
            m = _RELATION.fullmatch(text)
            if m is None:
                raise InvalidVersionSpec(text, "invalid operator")
            op, version = m.groups()
            if version.endswith(".*"):
                op, version = _without_trailing_star(text, op, version)
            self._op = op
            self.matcher_vo = VersionOrder(version)
            self._kind = _OP
            self._is_exact = op == "=="
        elif text == "*":
            self._kind = _ALWAYS
        elif "*" in text.rstrip("*"):
            pattern = text.replace(".", r"\.").replace("+", r"\+").replace("*", r".*")
            self.regex = _compile(rf"^(?:{pattern})$", text)
            self._kind = _REGEX
            if not _REGEX_SYNTAX.intersection(text):
                self._glob = Glob(text)
        elif text[-1] == "*":
            if text[-2:] != ".*":
                text = text[:-1] + ".*"
            self.matcher_vo = VersionOrder(text.rstrip("*").rstrip("."))
            self._kind = _PREFIX
        elif "@" not in text:
            self._op = "=="
            self.matcher_vo = VersionOrder(text)
            self._kind = _OP
            self._is_exact = True
        else:
            self._kind = _EXACT
            self._is_exact = True
        self.spec_str = text

    def merge(self, other: VersionSpec) -> VersionSpec:
        """Both constraints at once (conda's merge: the sorted specs joined with ``,``)."""
        if not isinstance(other, VersionSpec):
            raise TypeError(f"cannot merge a VersionSpec with {type(other).__name__}")
        if self.raw_value == other.raw_value:
            return self
        return VersionSpec(",".join(sorted((self.spec_str, other.spec_str))))

    def union(self, other: VersionSpec) -> str:
        """Either constraint, as a display string (conda returns a str here too)."""
        if not isinstance(other, VersionSpec):
            raise TypeError(f"cannot union a VersionSpec with {type(other).__name__}")
        return "|".join(sorted({self.spec_str, other.spec_str}))


# what makes an and/or expression more than a flat list of simple specs (a newline too:
# _NEEDS_TREE only looks at the first line)
_NOT_A_PLAIN_LIST = re.compile(r"[()^$\n]")


def _plain_list(spec: VersionSpec, text: str) -> bool:
    """Builds ``spec`` from ``text`` when it is a flat and-list (``>=1.2,<2``) or or-list
    (``1.2|1.3``) of simple specs, as treeify would group it; False for anything else."""
    if "," in text:
        if "|" in text:
            return False
        op = ","
    else:
        op = "|"
    if _NOT_A_PLAIN_LIST.search(text):
        return False
    pieces = [piece.strip() for piece in text.split(op)]
    if "" in pieces:  # an empty operand: treeify says what is wrong with it
        return False
    children = tuple(VersionSpec(piece) for piece in pieces)
    spec.tup = children
    spec._kind = _ALL if op == "," else _ANY
    spec.spec_str = op.join([child.spec_str for child in children])
    spec._is_exact = False
    return True


def _without_trailing_star(text: str, op: str, version: str) -> tuple[str, str]:
    """An operator spec ending in ``.*``: the star goes, and ``!=`` becomes a prefix exclusion.

    ``~=`` cannot take one; for ``<``, ``>``, ``<=`` and ``==`` it means nothing (conda warns).
    """
    if op == "~=":
        raise InvalidVersionSpec(text, "invalid operator with '.*'")
    stem = version[:-2]
    if op == "!=":
        return "!=startswith", stem
    if op not in ("=", ">="):
        _log.warning(
            "Using .* with relational operator is superfluous and deprecated "
            "and will be removed in a future version of conda. Your spec was "
            "%s, but conda is ignoring the .* and treating it as %s",
            version,
            stem,
        )
    return op, stem


#: conda's older name for VersionSpec.
VersionMatch = VersionSpec


class BuildNumberMatch(_BaseSpec):
    """A build-number constraint: an int, ``>=3``, ``*``, or a ``^regex$``."""

    __slots__ = ()
    _cache_: dict[str, BuildNumberMatch] = {}

    def __new__(cls, vspec: object) -> BuildNumberMatch:
        if isinstance(vspec, BuildNumberMatch):
            return vspec
        if isinstance(vspec, str):
            cached = cls._cache_.get(vspec)
            if cached is not None:
                return cached
        self = object.__new__(cls)
        self._init_slots()
        self._build(vspec)
        if isinstance(vspec, str):
            if len(cls._cache_) >= _CACHE_LIMIT:
                cls._cache_.clear()
            cls._cache_[vspec] = self
        return self

    def _build(self, vspec: object) -> None:
        try:
            number = int(vspec)  # type: ignore[call-overload]  # int() is tried on any value
        except (ValueError, TypeError):
            pass
        else:
            self.spec_str = number
            self._kind = _EXACT
            self._is_exact = True
            return
        text = str(vspec).strip()
        self.spec_str = text
        self._is_exact = False
        if text == "*":
            self._kind = _ALWAYS
        elif text.startswith(("=", "<", ">", "!")):
            m = _RELATION.fullmatch(text)
            if m is None:
                raise InvalidVersionSpec(text, "invalid operator")
            op, version = m.groups()
            self._op = op
            self.matcher_vo = VersionOrder(version)
            self._kind = _OP
            self._is_exact = op == "=="
        elif not text:
            raise InvalidVersionSpec(text, "empty build number spec")  # conda: IndexError
        elif text[0] == "^" or text[-1] == "$":
            if text[0] != "^" or text[-1] != "$":
                raise InvalidVersionSpec(text, "regex specs must start with '^' and end with '$'")
            self.regex = _compile(text, text)
            self._kind = _REGEX
        else:
            self._kind = _EXACT
            self._is_exact = True

    @property
    def exact_value(self) -> int | None:
        try:
            return int(self.spec_str)
        except ValueError:
            return None

    def merge(self, other: BuildNumberMatch) -> object:
        if self.raw_value != other.raw_value:
            raise ValueError(f"Incompatible component merge:\n  - {self.raw_value!r}\n  - {other.raw_value!r}")
        return self.raw_value

    def union(self, other: BuildNumberMatch) -> str:
        """conda joins the two raw values: strings in a seed-dependent order (sorted here), and
        a number fails with conda's TypeError (MatchSpec's merge catches it and writes ``a|b``)."""
        options = {self.raw_value, other.raw_value}
        # a number among them raises conda's TypeError in join, on purpose
        return "|".join(sorted(options, key=lambda o: (isinstance(o, str), str(o))))  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return str(self.spec_str)
