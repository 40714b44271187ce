"""``conda-exports hash``: sha256sum's and b3sum's behaviour on top of ``hash_file``.

Lines are GNU's (``<hex>  <name>``, or BSD's ``SHA256 (<name>) = <hex>`` with ``--tag``);
a name holding a backslash, newline or carriage return is escaped and its line starts with
a backslash, as GNU coreutils write and read them. Output is streamed in input order while
later files are hashed on other threads; a file that cannot be read is one line on stderr
and makes the exit status 1, the others are still hashed.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from .constants import HASH_ALGORITHMS as ALGORITHMS
from .hashing import hash_file

PROG = "conda-exports hash"
_TAGS = {"md5": "MD5", "sha256": "SHA256", "blake3": "BLAKE3"}
_HEX_LENGTH = {"md5": 32, "sha256": 64, "blake3": 64}
_GNU_LINE = re.compile(r"(\\?)([0-9a-fA-F]+) [ *](.+)", re.DOTALL)
_BSD_LINE = re.compile(r"(\\?)(MD5|SHA256|BLAKE3) \((.+)\) ?= ?([0-9a-fA-F]+)", re.DOTALL)
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
#: Above this much work a progress bar is worth showing (only ever on a terminal).
_PROGRESS_BYTES = 256 * 1024 * 1024
_PROGRESS_FILES = 2000


def algorithm(name: str) -> str:
    lowered = name.lower()
    if lowered not in ALGORITHMS:
        raise ValueError(f"unsupported hash algorithm {name!r}; supported: {', '.join(ALGORITHMS)}")
    return lowered


def _escape(name: str, *, result: bool = False) -> tuple[str, str]:
    """(line prefix, escaped name): GNU's escaping of backslash, newline and carriage return;
    in a ``--check`` result line only a name with a newline is escaped, as GNU does."""
    if not any(c in name for c in ("\n" if result else "\\\n\r")):
        return "", name
    return "\\", name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def _unescape(name: str) -> str:
    return _UNESCAPE.sub(lambda m: {"n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), m.group(0)), name)


def format_line(digest: str, name: str, algo: str, tag: bool) -> str:
    prefix, escaped = _escape(name)
    if tag:
        return f"{prefix}{_TAGS[algo]} ({escaped}) = {digest}"
    return f"{prefix}{digest}  {escaped}"


def _hash_stream(stream: IO[bytes], algo: str) -> str:
    from ._fallback.hashing import _new_hasher

    hasher = _new_hasher(algo)
    while chunk := stream.read(1024 * 1024):
        hasher.update(chunk)
    return str(hasher.hexdigest())


def _digest(name: str, algo: str) -> str:
    if name == "-":
        return _hash_stream(sys.stdin.buffer, algo)
    return hash_file(name, algo)


def _reason(exc: BaseException) -> str:
    strerror = getattr(exc, "strerror", None)
    return strerror if isinstance(strerror, str) and strerror else " ".join(str(exc).split())


def _digests(names: list[str], algo: str) -> Iterator[tuple[str, str | None, BaseException | None]]:
    """``(name, digest, None)`` or ``(name, None, error)`` per name, in input order, while
    the following files are hashed on other threads."""

    def one(name: str) -> tuple[str, str | None, BaseException | None]:
        try:
            return name, _digest(name, algo), None
        except (OSError, ValueError, TypeError) as exc:
            return name, None, exc

    if len(names) == 1:
        yield one(names[0])
        return
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        yield from pool.map(one, names)


def _size(name: str) -> int:
    try:
        return os.stat(name).st_size if name != "-" else 0
    except (OSError, ValueError):
        return 0


def _progress(names: list[str]) -> tuple[Any, list[int]]:
    """A tqdm bar over the bytes to hash, and each file's size, when stderr is a terminal and
    the work is long; else (None, [])."""
    if not sys.stderr.isatty():
        return None, []
    sizes = [_size(name) for name in names]
    if sum(sizes) < _PROGRESS_BYTES and len(names) < _PROGRESS_FILES:
        return None, []
    from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

    return tqdm(total=sum(sizes), unit="B", unit_scale=True, file=sys.stderr, leave=False), sizes


def print_digests(names: list[str], algo: str, *, tag: bool) -> int:
    status = 0
    bar, sizes = _progress(names)
    try:
        for index, (name, digest, error) in enumerate(_digests(names, algo)):
            if bar is not None:
                bar.update(sizes[index])
            if error is not None:
                sys.stdout.flush()
                print(f"{PROG}: {name}: {_reason(error)}", file=sys.stderr)
                status = 1
                continue
            assert digest is not None
            print(format_line(digest, name, algo, tag), flush=True)
    finally:
        if bar is not None:
            bar.close()
    return status


def _read_lines(source: str) -> Iterable[str]:
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(source, "rb") as file:
            data = file.read()
    text = data.decode("utf-8", "surrogateescape")
    return text.splitlines()


def _parse(line: str, algo: str) -> tuple[str, str, str] | None:
    """(algorithm, expected hex, file name) of a checksum line, or None when it is malformed."""
    bsd = _BSD_LINE.fullmatch(line)
    if bsd is not None:
        escaped, tag, hexdigest, name = bsd.group(1), bsd.group(2).lower(), bsd.group(4), bsd.group(3)
        line_algo = tag
    else:
        gnu = _GNU_LINE.fullmatch(line)
        if gnu is None:
            return None
        escaped, hexdigest, name = gnu.group(1), gnu.group(2), gnu.group(3)
        line_algo = algo
    if len(hexdigest) != _HEX_LENGTH[line_algo]:
        return None
    return line_algo, hexdigest.lower(), _unescape(name) if escaped else name


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def check(names: list[str], algo: str, *, quiet: bool, status: bool, strict: bool, ignore_missing: bool) -> int:
    """sha256sum --check: ``name: OK`` / ``name: FAILED`` per listed file, warnings at the end."""
    exit_status = 0
    for source in names:
        try:
            lines = _read_lines(source)
        except OSError as exc:
            print(f"{PROG}: {source}: {_reason(exc)}", file=sys.stderr)
            exit_status = 1
            continue
        entries = []
        malformed = 0
        for line in lines:
            parsed = _parse(line, algo)
            if parsed is None:
                malformed += 1 if line.strip() else 0
            else:
                entries.append(parsed)
        if not entries:
            print(f"{PROG}: {source}: no properly formatted checksum lines found", file=sys.stderr)
            exit_status = 1
            continue
        mismatched = unreadable = verified = 0
        for line_algo, expected, name in entries:
            prefix, shown = _escape(name, result=True)
            try:
                found: str | None = _digest(name, line_algo)
            except (OSError, ValueError, TypeError) as exc:
                if ignore_missing and isinstance(exc, FileNotFoundError):
                    continue
                found = None
                if not status:
                    print(f"{PROG}: {name}: {_reason(exc)}", file=sys.stderr)
            if found is None:
                unreadable += 1
                if not status:
                    print(f"{prefix}{shown}: FAILED open or read", flush=True)
                continue
            verified += 1
            if found == expected:
                if not (quiet or status):
                    print(f"{prefix}{shown}: OK", flush=True)
            else:
                mismatched += 1
                if not status:
                    print(f"{prefix}{shown}: FAILED", flush=True)
        if not status:
            if malformed:
                print(
                    f"{PROG}: WARNING: {malformed} {_plural(malformed, 'line is', 'lines are')} improperly formatted",
                    file=sys.stderr,
                )
            if unreadable:
                print(
                    f"{PROG}: WARNING: {unreadable} listed {_plural(unreadable, 'file', 'files')} could not be read",
                    file=sys.stderr,
                )
            if mismatched:
                print(
                    f"{PROG}: WARNING: {mismatched} computed {_plural(mismatched, 'checksum', 'checksums')}"
                    " did NOT match",
                    file=sys.stderr,
                )
        if ignore_missing and not verified and not mismatched and not unreadable:
            if not status:
                print(f"{PROG}: {source}: no file was verified", file=sys.stderr)
            exit_status = 1
        if mismatched or unreadable or (strict and malformed):
            exit_status = 1
    return exit_status
