"""The one rule for path arguments, shared by every function of the package that takes a path."""

from __future__ import annotations

import os


def text_path(path: object) -> str:
    """``path`` as text: a ``str`` or an ``os.PathLike[str]``.

    bytes (and ``os.PathLike[bytes]``) are refused with ``TypeError`` like anything else,
    as conda's functions work on text paths; a NUL raises ``ValueError`` (as ``open`` does),
    and text the file system encoding cannot represent raises ``os.fsencode``'s
    ``UnicodeEncodeError`` — before any kernel sees it, so both backends raise the same.
    """
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"expected a path (str or os.PathLike[str]), not {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"expected a path (str or os.PathLike[str]), not a path of {type(text).__name__}")
    if "\0" in text:
        raise ValueError(f"embedded null byte in path {text!r}")
    os.fsencode(text)
    return text
