"""Pure-Python kernel of repodata parsing; the same contract as ``rust/repodata.rs``.

``parse_repodata(path, add_pip, use_only_tar_bz2)`` returns a store whose records are the
package entries in conda's order (``packages.conda``, then the ``.tar.bz2`` entries with no
``.conda`` twin). A value is kept only in a form conda stores unchanged; an entry holding
anything else is handed back through ``slow()`` for the caller to build the ordinary way.
The rules for what is kept, skipped or handed back are the Rust kernel's, one for one.

JSON is read with ``orjson`` when it is installed, else ``json``; what counts as valid is
the same either way and the same as serde_json's: no ``NaN``/``Infinity``, no lone
surrogate escapes, no invalid UTF-8.
"""

from __future__ import annotations

import math
import re

from .._formats import PACKAGE_EXTENSIONS
from .records import MAX_SECONDS as _MAX_SECONDS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_I64 = (-(2**63), 2**63 - 1)
_JSON_SPACE = " \t\n\r"
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_NULLABLE_STR = frozenset(
    ("md5", "sha256", "legacy_bz2_md5", "license", "license_family", "preferred_env", "python_site_packages_path")
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class _Slow(Exception):
    """An entry value that only Python's boxing may take."""


class _Ignore(Exception):
    """An entry conda leaves out without a word (``record_version`` > 1)."""


def _invalid(path: str, offset: int | None, reason: str) -> Exception:
    from ..exceptions import RepodataDecodeError

    return RepodataDecodeError(path, offset, reason)


class _Unreadable(ValueError):
    """A number or constant serde_json refuses: NaN, Infinity, or beyond a double's range."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _reject_constant(name: str) -> Any:
    raise _Unreadable(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Unreadable(text)
    return value


def _int_in_double_range(text: str) -> int:
    if len(text) > 20 and math.isinf(float(text)):  # before int(): no int-string limit applies
        raise _Unreadable(text)
    return int(text)


_NUMBER_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|-?(?:NaN|Infinity|[0-9][0-9.eE+-]*)', re.DOTALL)
_EXPONENT = re.compile(r"[eE][+-]?([0-9]+)$")
_I32_MAX = 2**31 - 1


def _unreadable_at(text: str, literal: str) -> tuple[int | None, str]:
    """serde_json's byte and reason for the first number or constant ``literal`` of the text
    (outside strings): NaN and Infinity are no JSON value, ``-Infinity`` no number; a number
    beyond a double is refused at its last digit, or at the exponent digit that overflows
    an i32 (serde_json stops reading there)."""
    for token in _NUMBER_OR_STRING.finditer(text):
        if token.group() != literal:
            continue
        at = token.start()
        if literal.endswith(("NaN", "Infinity")):
            if literal.startswith("-"):
                return len(text[: at + 1].encode("utf-8")), "invalid number"
            return len(text[:at].encode("utf-8")), "expected value"
        end = token.end() - 1
        exponent = _EXPONENT.search(literal)
        if exponent is not None:
            value = 0
            for index in range(exponent.start(1), exponent.end(1)):
                value = value * 10 + int(literal[index])
                if value > _I32_MAX:
                    end = at + index
                    break
        return len(text[:end].encode("utf-8")), "number out of range"
    return None, "number out of range"


def _strict_json(path: str, text: str) -> Any:
    """Python's json, refusing what serde_json refuses (and saying where)."""
    import json

    try:
        value = json.loads(
            text, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_int_in_double_range
        )
    except json.JSONDecodeError as exc:
        raise _invalid(path, len(text[: exc.pos].encode("utf-8")), exc.msg) from None
    except _Unreadable as exc:
        offset, reason = _unreadable_at(text, exc.text)
        raise _invalid(path, offset, reason) from None
    except RecursionError:  # deeper than serde_json reads too: the caller may say where
        raise _invalid(path, None, _TOO_DEEP) from None
    except ValueError as exc:  # e.g. an integer over the int-string limit
        raise _invalid(path, None, str(exc)) from None
    _check_escapes(path, text)
    return value


_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


def _check_escapes(path: str, text: str) -> None:
    """Surrogate escapes as serde_json reads them, in text Python's json took (so each ``\\u``
    has four hex digits): a high one (U+D800 to U+DBFF) must come right before a low one.

    The first fault raises serde_json's reason at serde_json's byte: after a high one,
    anything but ``\\u`` is an "unexpected end of hex escape" at the byte that is not ``\\``
    (or not ``u``); a low one alone, or a high one followed by an escape that is not a low
    one, is a "lone leading surrogate in hex escape" (sic) at the escape's last digit.
    """
    if not _SURROGATE_ESCAPE.search(text):
        return

    def fault(at: int, reason: str) -> Exception:
        return _invalid(path, len(text[:at].encode("utf-8")), reason)

    escapes = _ESCAPE.finditer(text)
    for match in escapes:
        code = _escaped_code(match)
        if code is None or not 0xD800 <= code <= 0xDFFF:
            continue
        if code >= 0xDC00:
            raise fault(match.end() - 1, "lone leading surrogate in hex escape")
        end = match.end()
        for at, expected in ((end, "\\"), (end + 1, "u")):
            if text[at : at + 1] != expected:
                raise fault(at, "unexpected end of hex escape")
        low = next(escapes)  # the escape at `end`
        code = _escaped_code(low)
        if code is None or not 0xDC00 <= code <= 0xDFFF:
            raise fault(low.end() - 1, "lone leading surrogate in hex escape")


def _escaped_code(match: re.Match[str]) -> int | None:
    escape = match.group(1)
    return int(escape[1:], 16) if escape[0] == "u" and len(escape) == 5 else None


#: serde_json's nesting limit, counted from each value it decodes on its own.
_MAX_DEPTH = 127
_GROUPS = ("packages", "packages.conda")
#: Where the Rust kernel finds values nested too deep, in the order it looks: a ``packages``
#: value that is no object (read in place, under the document's own level, in its first
#: pass), a package entry (each read on its own), another top-level value (each on its own).
_IN_PLACE, _ENTRY, _OTHER = 0, 1, 2
_TOO_DEEP = "recursion limit exceeded"
#: the depth, counting the document as 1, of the first bracket serde_json refuses in each
_REFUSED_AT = {_IN_PLACE: _MAX_DEPTH + 1, _ENTRY: _MAX_DEPTH + 3, _OTHER: _MAX_DEPTH + 2}
#: a bracket written as an escape: in a string of the document, but not in the text
_ESCAPED_BRACKET = re.compile(r"\\u00[57][bB]")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.DOTALL)


def _depth(value: Any, limit: int, walked: list[int] | None = None) -> int:
    """Nesting depth of ``value`` (a scalar is 0), counting no further than ``limit`` + 1;
    adds the objects and arrays walked to ``walked[0]`` (all of them, unless too deep)."""
    children: Any
    if type(value) is dict:
        children = value.values()
    elif type(value) is list:
        children = value
    else:
        return 0
    if walked is not None:
        walked[0] += 1
    if limit <= 0:
        return 1
    deepest = 0
    for child in children:
        if type(child) in (dict, list):
            deepest = max(deepest, _depth(child, limit - 1, walked))
            if deepest >= limit:
                break
    return deepest + 1


def _brackets_in_strings(document: dict[str, Any]) -> int:
    """How many ``{`` and ``[`` the keys and strings of ``document`` hold."""
    count = 0
    stack: list[Any] = [document]
    while stack:
        value = stack.pop()
        if type(value) is dict:
            for key, item in value.items():
                count += key.count("{") + key.count("[")
                stack.append(item)
        elif type(value) is list:
            stack.extend(value)
        elif type(value) is str:
            count += value.count("{") + value.count("[")
    return count


def _nesting_faults(text: str, repodata: dict[str, Any]) -> dict[int, int]:
    """Where serde_json refuses to nest further, by kind (``_IN_PLACE``, ``_ENTRY``,
    ``_OTHER``): the byte of the first bracket too deep of each; empty when none is.

    serde_json reads every value, also those a repeated key replaces (which Python's dict
    drops). The document Python kept is checked first; only when a value is too deep there,
    or when the text holds brackets that are not the document's (what a repeated key
    replaced, or brackets in strings), is the text itself scanned.
    """
    walked = [1]  # the document
    deep = False
    nested: Any
    for key, value in repodata.items():
        if key in _GROUPS and type(value) is dict:
            walked[0] += 1
            nested, limit = value.values(), _MAX_DEPTH
        else:
            nested, limit = (value,), (_MAX_DEPTH - 1 if key in _GROUPS else _MAX_DEPTH)
        for item in nested:
            if type(item) in (dict, list) and _depth(item, limit, walked) > limit:
                deep = True
                break
        if deep:
            break
    if not deep:
        in_text = text.count("{") + text.count("[")
        if walked[0] == in_text or (
            not _ESCAPED_BRACKET.search(text) and walked[0] + _brackets_in_strings(repodata) == in_text
        ):
            return {}
    return _scan_nesting(text)


def _first_too_deep(text: str) -> int | None:
    """The byte where the Rust kernel finds the text nested too deep (None: it does not)."""
    if text.lstrip(_JSON_SPACE).startswith("{"):
        faults = _scan_nesting(text)
        return next((faults[kind] for kind in (_IN_PLACE, _ENTRY, _OTHER) if kind in faults), None)
    faults = _scan_nesting("{" + text + "}")  # a value that is no object, read on its own
    return faults[_OTHER] - 1 if faults else None


def _scan_nesting(text: str) -> dict[int, int]:
    """``_nesting_faults`` read off the text of a document (an object, valid JSON)."""
    import json

    faults: dict[int, int] = {}
    depth = 0
    key: Any = None
    expecting_key = False
    group_kind = _IN_PLACE
    for token in _TOKEN.finditer(text):
        char = token.group()[0]
        if char == '"':
            if depth == 1 and expecting_key:
                key, expecting_key = json.loads(token.group()), False
        elif char == ",":
            expecting_key = depth == 1
        elif char in "]}":
            depth -= 1
        else:
            depth += 1
            if depth == 1:
                expecting_key = True
                continue
            if key in _GROUPS:
                if depth == 2:
                    group_kind = _ENTRY if char == "{" else _IN_PLACE
                kind = group_kind
            else:
                kind = _OTHER
            if depth == _REFUSED_AT[kind] and kind not in faults:
                faults[kind] = len(text[: token.start()].encode("utf-8"))
    return faults


def _load(path: str, data: bytes) -> tuple[Any, str, bool]:
    """(the document, its text, whether its integers are exact): orjson when it is installed
    and takes the text (it reads integers beyond 64 bits as floats), else Python's json."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid(path, exc.start, "invalid UTF-8") from None
    from importlib import import_module

    orjson: Any  # the same type whether or not orjson (and its stubs) is installed
    try:
        orjson = import_module("orjson")
    except ImportError:
        orjson = None
    if orjson is not None:
        try:
            return orjson.loads(data), text, False
        except (orjson.JSONDecodeError, RecursionError):
            pass  # the standard parser decides, and says where
    return _strict_json(path, text), text, True


def _entries(path: str, repodata: dict[str, Any], key: str) -> dict[str, Any]:
    entries = repodata.get(key)
    if entries is None:
        return {}
    if not isinstance(entries, dict):
        raise _invalid(path, None, f'invalid type: expected an object of package entries for "{key}"')
    return entries


def _twin_stem(key: str) -> str:
    return key[:-6]


def _split_format(fn: str) -> tuple[str, str]:
    stem, fmt = fn, ""
    if stem.endswith(".conda"):
        stem, fmt = stem[:-6], ".conda"
    if stem.endswith(".tar.bz2"):
        stem, fmt = stem[:-8], ("" if fmt else ".tar.bz2")
    return stem, fmt


_PLAIN_EXCLUDED = re.compile(r"[\s\[\]:\x0b\x1c-\x1f]")


def is_plain_dist(fn: str) -> bool:
    """Whether a Dist can be made from the file name alone (``name-version-build.ext``)."""
    if not fn or not fn.isascii() or fn.endswith("@") or "/" in fn or _PLAIN_EXCLUDED.search(fn):
        return False
    stem, fmt = _split_format(fn)
    if not fmt and stem != fn:
        return False
    if stem.endswith(PACKAGE_EXTENSIONS):
        return False
    parts = stem.rsplit("-", 2)
    if len(parts) < 3:
        return False
    tail = parts[2].rsplit("_", 1)[-1]
    return tail.isdigit()


def _is_int(value: Any) -> bool:
    return type(value) is int and _I64[0] <= value <= _I64[1]


def _str_list(value: Any) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def _features(value: Any) -> tuple[str, ...]:
    if type(value) is str:
        if not value.isascii():
            raise _Slow
        parts = value.replace(" ", ",").split(",")
    elif _str_list(value):
        if not all(item.isascii() for item in value):
            raise _Slow
        parts = value
    else:
        raise _Slow
    return tuple(stripped for stripped in (part.strip(_ASCII_SPACE) for part in parts) if stripped)


def _nullable_str(value: Any) -> Any:
    if value is None or type(value) is str:
        return value
    raise _Slow


def _timestamp(value: Any) -> Any:
    if _is_int(value) and abs(value) < 2**53:
        return value / 1000 if value and value > _MAX_SECONDS else value
    if type(value) is float and abs(value) < 2**53:
        return value / 1000 if value and value > _MAX_SECONDS else value
    raise _Slow


def _newer_record(value: Any) -> bool:
    if type(value) is int:
        return value > 1
    if type(value) is float:
        return value > 1.0
    return False


def _stored_fields(fn: str, entry: Any, twin: Any, conda: bool, add_pip: bool) -> tuple[dict[str, Any], bool]:
    """(the values kept, whether the entry needs Python's boxing); raises _Ignore or
    returns the name of a missing identity field through ``_Missing``."""
    if type(entry) is not dict:
        return {"fn": fn}, True
    if _newer_record(entry.get("record_version")):
        raise _Ignore
    for field in ("name", "version"):
        if field not in entry:
            raise _Missing(field)
    if "build" not in entry and "build_string" not in entry:
        raise _Missing("build")
    out: dict[str, Any] = {"fn": fn}
    slow = False
    for key, value in entry.items():
        try:
            if key in ("name", "version", "build"):
                if type(value) is not str:
                    raise _Slow
                out[key] = value
            elif key == "build_number":
                if not _is_int(value):
                    raise _Slow
                out[key] = value
            elif key in ("depends", "constrains"):
                if not _str_list(value):
                    raise _Slow
                out[key] = tuple(value)
            elif key in ("track_features", "features"):
                if value is not None:
                    out[key] = _features(value)
            elif key == "noarch":
                if value is not None and value not in ("python", "generic"):
                    raise _Slow
                out[key] = value
            elif key in _NULLABLE_STR:
                out[key] = _nullable_str(value)
            elif key == "date":
                if value is not None:
                    if type(value) is not str:
                        raise _Slow
                    out[key] = value
            elif key == "size":
                if value is not None:
                    if not _is_int(value):
                        raise _Slow
                    out[key] = value
            elif key == "legacy_bz2_size":
                if value is not None and not _is_int(value):
                    raise _Slow
                out[key] = value
            elif key == "timestamp":
                if value is not None:
                    out[key] = _timestamp(value)
            elif key == "package_type":
                raise _Slow
        except _Slow:
            slow = True
    if "build" not in entry:
        if type(entry["build_string"]) is str:
            out["build"] = entry["build_string"]
        else:
            slow = True
    if "build_number" not in out:
        slow = True
    if conda and twin is not None:
        if type(twin) is dict:
            md5, size = twin.get("md5"), twin.get("size")
            if md5 is None or type(md5) is str:
                out["legacy_bz2_md5"] = md5
            else:
                slow = True
            if size is None or _is_int(size):
                out["legacy_bz2_size"] = size
            else:
                slow = True
        else:
            slow = True
    if add_pip and out.get("name") == "python" and str(out.get("version", "")).startswith(("2.", "3.")):
        if "depends" in out:
            out["depends"] = (*out["depends"], "pip")
        elif "depends" not in entry:
            out["depends"] = ("pip",)
    return out, slow


class _Missing(Exception):
    def __init__(self, field: str) -> None:
        self.field = field


class RepodataStore:
    """Parsed records of one subdir: a dict of stored values per record."""

    def __init__(
        self,
        info: str | None,
        records: list[dict[str, Any]],
        slow: list[tuple[int, Any, Any]],
        skipped: list[tuple[str, str]],
    ) -> None:
        self.info = info
        self._records = records
        self._slow = slow
        self._skipped = skipped
        self._bound: tuple[dict[str, Any], str, Any, tuple[Any, Any], tuple[str, ...]] | None = None

    def __len__(self) -> int:
        return len(self._records)

    def bind(
        self, common: dict[str, Any], base_url: str, absent: Any, noarch: tuple[Any, Any], field_names: list[str]
    ) -> None:
        if self._bound is not None:
            raise RuntimeError("the repodata store is already bound")
        self._bound = (common, base_url, absent, noarch, tuple(field_names))

    def _shared(self) -> tuple[dict[str, Any], str, Any, tuple[Any, Any], tuple[str, ...]]:
        if self._bound is None:
            raise RuntimeError("the repodata store is not bound yet")
        return self._bound

    def dists(self, dist_type: Any, channel: str) -> tuple[list[Any], list[int]]:
        self._shared()
        slow = {index for index, _, _ in self._slow}
        dists: list[Any] = []
        others: list[int] = []
        for index, record in enumerate(self._records):
            fn = record["fn"]
            if index in slow:
                dists.append(None)
            elif not is_plain_dist(fn):
                others.append(index)
                dists.append(None)
            else:
                stem, fmt = _split_format(fn)
                dists.append(tuple.__new__(dist_type, (channel, stem, fmt)))
        return dists, others

    def slow(self) -> list[tuple[int, Any, Any]]:
        return list(self._slow)

    def skipped(self) -> list[tuple[str, str]]:
        return list(self._skipped)

    def get(self, index: int, name: str) -> Any:
        common, base_url, absent, noarch, _ = self._shared()
        if not 0 <= index < len(self._records):
            raise IndexError(f"no record {index}")
        record = self._records[index]
        if name in record:
            value = record[name]
            if name == "noarch" and value is not None:
                return noarch[0] if value == "python" else noarch[1]
            return value
        if name == "url":
            from .._url import join_url

            return join_url(base_url, record["fn"])
        return common.get(name, absent)

    def fields(self, index: int) -> dict[str, Any]:
        shared = self._shared()
        absent = shared[2]
        out = {}
        for name in shared[4]:
            value = self.get(index, name)
            if value is not absent:
                out[name] = value
        return out


def parse_repodata(path: str, add_pip: bool, use_only_tar_bz2: bool) -> RepodataStore:
    import json
    import os

    from ..exceptions import from_oserror

    path = os.fspath(path)
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise from_oserror(exc, path) from None
    try:
        repodata, text, exact = _load(path, data)
    except ValueError as exc:  # Python's json gave up on a depth serde_json refused earlier: say where
        if getattr(exc, "reason", None) != _TOO_DEEP or getattr(exc, "offset", 0) is not None:
            raise
        raise _invalid(path, _first_too_deep(data.decode("utf-8")), _TOO_DEEP) from None
    if type(repodata) is not dict:
        offset = _first_too_deep(text)
        if offset is not None:
            raise _invalid(path, offset, _TOO_DEEP)
        start = len(text) - len(text.lstrip(_JSON_SPACE))
        raise _invalid(path, start, "invalid type: expected a repodata object")
    # in the Rust kernel's order: its first pass, then the packages values, then the rest
    too_deep = _nesting_faults(text, repodata)
    if _IN_PLACE in too_deep:
        raise _invalid(path, too_deep[_IN_PLACE], _TOO_DEEP)
    legacy = _entries(path, repodata, "packages")
    conda_given = _entries(path, repodata, "packages.conda")
    for kind in (_ENTRY, _OTHER):
        if kind in too_deep:
            raise _invalid(path, too_deep[kind], _TOO_DEEP)
    conda = {} if use_only_tar_bz2 else conda_given
    info = repodata.get("info", _NOT_GIVEN)

    hidden = {_twin_stem(key) for key in conda}
    jobs: list[tuple[str, Any, Any, bool]] = []
    for key, entry in conda.items():
        jobs.append((key, entry, legacy.get(_twin_stem(key) + ".tar.bz2"), True))
    for key, entry in legacy.items():
        if not (key.endswith(".tar.bz2") and key[:-8] in hidden):
            jobs.append((key, entry, None, False))

    records: list[dict[str, Any]] = []
    slow: list[tuple[int, Any, Any]] = []
    skipped: list[tuple[str, str]] = []
    precise: dict[str, Any] | None = None
    for key, entry, twin, is_conda in jobs:
        try:
            stored, needs_python = _stored_fields(key, entry, twin, is_conda, add_pip)
        except _Ignore:
            continue
        except _Missing as missing:
            skipped.append((key, missing.field))
            continue
        if needs_python:
            if not exact:  # the caller boxes these: give it integers as Python's json reads them
                if precise is None:
                    precise = _strict_json(path, text)
                entry = precise["packages.conda" if is_conda else "packages"][key]
                if twin is not None:
                    twin = precise["packages"][_twin_stem(key) + ".tar.bz2"]
            # a string is handed over as JSON text, as the Rust kernel hands over every entry:
            # the caller reads a str as the entry's JSON, so "{...}" must not become an object
            if type(entry) is str:
                entry = json.dumps(entry)
            if type(twin) is str:
                twin = json.dumps(twin)
            slow.append((len(records), entry, twin))
        records.append(stored)
    if not exact and info is not _NOT_GIVEN and _holds_big_float(info):
        # orjson read an integer beyond 64 bits as a float: the info as Python's json reads it
        if precise is None:
            precise = _strict_json(path, text)
        info = precise["info"]
    return RepodataStore(
        None if info is _NOT_GIVEN else json.dumps(info),
        records,
        slow,
        skipped,
    )


_NOT_GIVEN: Any = object()


def _holds_big_float(value: Any) -> bool:
    """Whether ``value`` holds a float beyond 64-bit integers (orjson's reading of such an integer)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is float and abs(item) >= 2**63:
            return True
        if type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return False


def duplicates(stores: list[RepodataStore], with_fn: bool) -> list[tuple[int, int, int, int]]:
    """``(store, index, first store, first index)`` of each record whose identity (name,
    version, build number, build, and the file name when ``with_fn``) an earlier one has;
    records the caller builds itself are left out."""
    first: dict[tuple[Any, ...], tuple[int, int]] = {}
    found: list[tuple[int, int, int, int]] = []
    for n, store in enumerate(stores):
        slow = {index for index, _, _ in store._slow}
        for index, record in enumerate(store._records):
            if index in slow:
                continue
            key = (
                record["name"],
                record["version"],
                record["build_number"],
                record["build"],
                record["fn"] if with_fn else "",
            )
            earlier = first.setdefault(key, (n, index))
            if earlier != (n, index):
                found.append((n, index, *earlier))
    return found
