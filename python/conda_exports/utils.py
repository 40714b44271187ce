"""Small helpers conda.exports re-exports: sizes, spec lines, a topological sort, cache names.

``human_bytes``, ``url_path``, ``spec_from_line``, ``specs_from_args``, ``specs_from_url``,
``_toposort``, ``dist_str_in_index`` and ``cache_fn_url`` behave as conda 25.1's (which
live in ``conda.utils``, ``conda.cli.common``, ``conda.common.toposort``,
``conda.core.index`` and ``conda.gateways.repodata``).
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterable, Iterator

from ._url import path_to_url
from .constants import REPODATA_FN
from .exceptions import CondaFileIOError, CondaValueError

#: conda's name for it; ``urlpath`` is the older spelling.
url_path = urlpath = path_to_url


def human_bytes(n: float) -> str:
    """A byte count for people: ``42 B``, ``1 KB``, ``9.5 MB``, ``93.13 GB`` (conda's rounding)."""
    if n < 1024:
        return f"{int(n)} B"
    kib = n / 1024
    if kib < 1024:
        return f"{int(round(kib))} KB"
    mib = kib / 1024
    if mib < 1024:
        return f"{mib:.1f} MB"
    return f"{mib / 1024:.2f} GB"


_SPEC_LINE = re.compile(
    r"""
    (?P<name>[^=<>!\s]+)                # package name
    \s*
    (
        (?P<cc>=[^=]+(=[^=]+)?)         # conda-style name=version[=build]
        |
        (?P<pc>(?:[=!]=|[><]=?|~=).+)   # pip-style comparison
    )?$
    """,
    re.VERBOSE,
)


def spec_from_line(line: str) -> str | None:
    """A requirements-file line as a conda spec string, or None when it is not one.

    ``foo=1.2=py_0`` becomes ``foo 1.2 py_0``; ``Foo >= 1.0`` becomes ``foo >=1.0``;
    ``foo ~= 1.2.3`` becomes ``foo >=1.2.3,==1.2.*``; a ``#`` comment is dropped.
    """
    match = _SPEC_LINE.match(line.split("#")[0].rstrip())
    if match is None:
        return None
    name, conda_part, pip_part = match.group("name").lower(), match.group("cc"), match.group("pc")
    if conda_part:
        return name + conda_part.replace("=", " ")
    if pip_part:
        if pip_part.startswith("~= "):
            # conda asserts these; a typed error instead of an AssertionError
            if pip_part.count("~=") != 1:
                raise CondaValueError(f"Overly complex 'Compatible release' spec not handled {line}")
            if not pip_part.count("."):
                raise CondaValueError(f"No '.' in 'Compatible release' version {line}")
            version = pip_part.replace("~= ", "")
            prefix = ".".join(version.split(".")[:-1]) + ".*"
            return f"{name} >={version},=={prefix}"
        return name + " " + pip_part.replace(" ", "")
    return name


def _arg_to_spec(arg: str) -> str:
    from .models.match_spec import MatchSpec

    try:
        spec = MatchSpec(arg)
    except Exception:
        raise CondaValueError(f"invalid package specification: {arg}") from None
    return str(spec)


def specs_from_args(args: Iterable[str], json: bool = False) -> list[str]:
    """Command-line package arguments as normalised spec strings (``str(MatchSpec(arg))``).

    An argument that does not parse raises ``CondaValueError`` naming it.
    """
    return [_arg_to_spec(arg) for arg in args]


#: More than this is not a spec file: refused rather than read into memory.
MAX_SPEC_FILE_BYTES = 64 * 1024 * 1024


def _read_spec_file(path: str, url: str) -> str:
    """A local spec file's text; a FIFO, device or socket is refused before anything is read."""
    import stat

    from .exceptions import NotARegularFileError

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise CondaFileIOError(url, exc) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise CondaFileIOError(url, IsADirectoryError(21, "Is a directory", path))
        if not stat.S_ISREG(mode):
            raise CondaFileIOError(url, NotARegularFileError(path))
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(MAX_SPEC_FILE_BYTES + 1)
    finally:
        os.close(fd)
    return _spec_text(data, url)


def _spec_text(data: bytes, url: str) -> str:
    if len(data) > MAX_SPEC_FILE_BYTES:
        raise CondaFileIOError(url, f"larger than {MAX_SPEC_FILE_BYTES} bytes: not a spec file")
    return data.decode("utf-8")  # UnicodeDecodeError escapes, as from conda's open()


def _read_spec_source(url: str) -> str:
    """The text of a spec file: a local path, a ``file://`` URL or a remote URL."""
    if "://" not in url:
        return _read_spec_file(url, url)
    if url.startswith("file://"):
        from ._url import url_to_path

        return _read_spec_file(url_to_path(url), url)
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (http/https/ftp only)
            data = response.read(MAX_SPEC_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise CondaFileIOError(url, exc) from None
    return _spec_text(data, url)


def specs_from_url(url: str, json: bool = False) -> list[str]:
    """The specs of a requirements or ``@EXPLICIT`` file, from a path or a URL.

    Blank lines and ``#`` comments are skipped; after a line ``@EXPLICIT`` every line is kept
    verbatim; any other line must pass ``spec_from_line`` or ``CondaValueError`` names it.
    """
    kept = [line for line in (raw.strip() for raw in _read_spec_source(url).splitlines()) if line[:1] not in ("", "#")]
    # Everything from the first "@EXPLICIT" line on is a URL list, taken as written.
    boundary = kept.index("@EXPLICIT") if "@EXPLICIT" in kept else len(kept)
    parsed: list[str] = []
    for line in kept[:boundary]:
        spec = spec_from_line(line)
        if spec is None:
            raise CondaValueError(f"could not parse '{line}' in: {url}")
        parsed.append(spec)
    return parsed + kept[boundary:]


def _toposort(data: dict[Any, set[Any]]) -> Iterator[Any]:
    """Items of a dependency map (item -> set of items it needs) in dependency order.

    A generator, like conda's: each round yields, sorted, the items whose needs are all
    met. It works on ``data`` in place (as conda's does): self-dependencies are dropped,
    needed-but-unlisted items are added, and yielded items are removed. A cycle raises
    ``CondaValueError`` listing the items left.
    """
    # Make the graph self-contained: nothing waits on itself, and every item waited on has an entry.
    waited_on: set[Any] = set()
    for item, needs in data.items():
        needs.discard(item)
        waited_on.update(needs)
    for item in waited_on.difference(data):
        data[item] = set()
    while data:
        layer = sorted(item for item, needs in data.items() if not needs)
        if not layer:
            remaining = " -> ".join(map(repr, data))
            raise CondaValueError(f"Cyclic dependencies exist among these items: {remaining}")
        for item in layer:
            yield item
            data.pop(item, None)
        finished = frozenset(layer)
        for needs in data.values():
            needs.difference_update(finished)


def dist_str_in_index(index: dict[Any, Any], dist_str: str) -> bool:
    """True when a record of ``index`` (a dict of records) matches ``channel::name-version-build``."""
    from .models.match_spec import MatchSpec

    spec = MatchSpec.from_dist_str(dist_str)
    return any(spec.match(record) for record in index.values())


def cache_fn_url(url: str, repodata_fn: str = REPODATA_FN) -> str:
    """The file name conda caches a channel subdir's repodata under: 8 hex digits of an md5."""
    import hashlib

    # The key is the URL with one trailing slash; only a non-default repodata file name is added,
    # so the standard caches keep the names older tools look for.
    key = url if url.endswith("/") else f"{url}/"
    if repodata_fn != REPODATA_FN:
        key = f"{key}{repodata_fn}"
    try:
        digest = hashlib.md5(key.encode("utf-8"), usedforsecurity=False)
    except TypeError:  # Python < 3.9 has no usedforsecurity
        digest = hashlib.md5(key.encode("utf-8"))  # noqa: S324
    return f"{digest.hexdigest()[:8]}.json"
