"""Paths of the configuration: search-path expansion, ``$VAR`` expansion, the prefix and
envs dirs conda derives, and paths spelled as pathlib would (without importing it)."""

from __future__ import annotations

import os
import posixpath
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from os.path import abspath, expanduser, isdir, isfile, join

from .constants import APP_NAME, DEFAULTS_CHANNEL_NAME, PREFIX_MAGIC_FILE, ROOT_ENV_NAME, on_win
from .exceptions import MultiValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable


_RE_SEARCH_VARS = re.compile(
    r"\$(?P<named>[_a-z][_a-z0-9]*)|\$\{(?P<braced>[_a-z][_a-z0-9]*)\}|%(?P<padded>[_a-z][_a-z0-9]*)%",
    re.IGNORECASE,
)


def _expand_search_entry(template: str, mapping: Mapping[str, str]) -> str:
    """``$VAR``, ``${VAR}`` and ``%VAR%`` from ``mapping``; unknown ones stay as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("named") or match.group("braced") or match.group("padded")
        return str(mapping.get(name, match.group()))

    return _RE_SEARCH_VARS.sub(replace, template)


_VAR_NAME = re.compile(r"\w+", re.ASCII)


def _dollar_vars(text: str, lookup: Callable[[str, str], object]) -> str:
    """``re.sub(r"\\$(\\w+|\\{[^}]*\\})", ..., text, flags=re.ASCII)`` -- the pattern of
    ``posixpath.expandvars`` -- with each ``$name`` / ``${name}`` replaced by
    ``lookup(name, as_written)`` (None removes it, as in ``re.sub``), in one pass.

    Searched with the pattern, every ``${`` with no ``}`` after it is a scan to the end of
    the text (quadratic in a run of them); here it is known at once that no ``}`` follows.
    The pieces are joined as ``re.sub`` joins them, so a replacement that is no string
    fails with the same error.
    """
    if "$" not in text:
        return text
    pieces: list[object] = []
    done = 0
    last_close = text.rfind("}")
    pos = text.find("$")
    while pos >= 0:
        word = _VAR_NAME.match(text, pos + 1)
        if word is not None:
            name, end = word.group(), word.end()
        elif last_close > pos + 1 and text[pos + 1] == "{":
            end = text.find("}", pos + 2) + 1
            name = text[pos + 2 : end - 1]
        else:
            pos = text.find("$", pos + 1)
            continue
        if done < pos:
            pieces.append(text[done:pos])
        replacement = lookup(name, text[pos:end])
        if replacement is not None:
            pieces.append(replacement)
        done = end
        pos = text.find("$", end)
    if done < len(text):
        pieces.append(text[done:])
    return "".join(pieces)  # type: ignore[arg-type]  # a replacement that is no str fails as in re.sub


#: Whether this Python's ``posixpath.expandvars`` leaves everything from a ``${`` that no
#: ``}`` follows as it is (the linear one of later patch releases) rather than going on
#: expanding ``$name`` after it (the older, quadratic one); found out when it matters.
_STDLIB_KEEPS_REST: list[bool] = []


def _stdlib_keeps_rest(rest: str) -> bool:
    """Asks ``posixpath.expandvars`` about ``${$name``, with a ``$name`` of ``rest`` that expands."""
    if not _STDLIB_KEEPS_REST:
        for word in re.finditer(r"\$(\w+)", rest, re.ASCII):
            value = os.environ.get(word.group(1))
            if value is not None and value != word.group():
                probe = "${" + word.group()
                _STDLIB_KEEPS_REST.append(os.path.expandvars(probe) == probe)
                break
        else:  # nothing in it expands: both ways give the same
            return False
    return _STDLIB_KEEPS_REST[0]


def _os_environ_lookup(name: str, as_written: str) -> str:
    try:
        return os.environ[name]
    except KeyError:
        return as_written


def _expand_os_environ(text: str) -> str:
    """``os.path.expandvars(text)``, in linear time where it is ``posixpath``'s.

    The two ways of ``posixpath.expandvars`` differ only after a ``${`` that no ``}``
    follows: the older goes on expanding every ``$name`` after it (with a search that
    rescans to the end of the text from each such ``${``, and a copy of the text for each
    expansion), the newer keeps the rest as written. Which one this Python has is asked
    of it (``_stdlib_keeps_rest``) only when the answer changes the result.
    """
    if os.path is not posixpath:  # pragma: no cover - Windows: ntpath's own grammar
        return os.path.expandvars(text)
    if "$" not in text:
        return text
    unclosed = text.find("${", max(text.rfind("}"), 0))
    if unclosed < 0:
        return _dollar_vars(text, _os_environ_lookup)
    head, rest = _dollar_vars(text[:unclosed], _os_environ_lookup), text[unclosed:]
    expanded = _dollar_vars(rest, _os_environ_lookup)
    if expanded != rest and _stdlib_keeps_rest(rest):
        return head + rest
    return head + expanded


def _expandvars(text: str, environ: Mapping[str, str]) -> str:
    """``os.path.expandvars`` over ``environ`` (``%VAR%`` too on Windows)."""
    if environ is os.environ:
        return _expand_os_environ(text)
    text = _dollar_vars(text, lambda name, as_written: environ.get(name, as_written))
    if on_win and "%" in text:  # pragma: no cover
        text = re.sub(r"%([^%]+)%", lambda m: environ.get(m.group(1), m.group(0)), text)
    return text


def _unique_strings(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _user_data_dir() -> str:  # pragma: no cover - Windows only
    """platformdirs' user data dir for conda on Windows: %LOCALAPPDATA%\\conda\\conda."""
    base = os.environ.get("LOCALAPPDATA") or join(expanduser("~"), "AppData", "Local")
    return join(base, APP_NAME, APP_NAME)


def _warn_defaults_deprecation() -> None:
    warnings.warn(
        f"Adding '{DEFAULTS_CHANNEL_NAME}' to channel list implicitly is deprecated and will be removed in 25.3. "
        "\n\n"
        "To remove this warning, please choose a default channel explicitly "
        "with conda's regular configuration system, e.g. "
        f"by adding '{DEFAULTS_CHANNEL_NAME}' to the list of channels:\n\n"
        f"  conda config --add channels {DEFAULTS_CHANNEL_NAME}"
        "\n\n"
        "For more information see https://docs.conda.io/projects/conda/en/stable/user-guide/configuration/use-condarc.html\n",
        FutureWarning,
        stacklevel=4,
    )


def _raise_errors(errors: list[Exception]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise MultiValidationError(errors)


# -- paths as pathlib would spell them (pathlib itself costs several ms to import) ----------


def _is_pathlib_path(entry: object) -> bool:
    pathlib = sys.modules.get("pathlib")
    return pathlib is not None and isinstance(entry, pathlib.PurePath)


def _path_text(text: str) -> str:
    """``str(Path(text).expanduser())``."""
    if on_win:  # pragma: no cover - pathlib's Windows rules (drives, UNC) are not worth copying
        from pathlib import Path

        return str(Path(text).expanduser())
    path = _pure_posix(text)
    if path.startswith("~"):
        first, sep, rest = path.partition("/")
        home = expanduser(first)
        if not home.startswith("~"):
            path = _pure_posix(home + sep + rest)
    return path


def _pure_posix(text: str) -> str:
    """``str(PurePosixPath(text))``: empty and ``.`` parts dropped; ``//`` kept only as exactly two leading slashes."""
    if text.startswith("/"):
        root = "//" if text.startswith("//") and not text.startswith("///") else "/"
    else:
        root = ""
    parts = [part for part in text.split("/") if part and part != "."]
    if not root and not parts:
        return "."
    return root + "/".join(parts)


def _join_path_text(directory: str, name: str) -> str:
    if directory == ".":
        return name
    return directory + name if directory.endswith(os.sep) else directory + os.sep + name


def _base_name(path: str) -> str:
    return os.path.basename(path)


def _suffix(name: str) -> str:
    """``PurePath(name).suffix``: from the last dot, unless the name starts or ends with it."""
    index = name.rfind(".")
    return name[index:] if 0 < index < len(name) - 1 else ""


def _name_order(name: str) -> str:
    # pathlib sorts Windows paths case-insensitively
    return name.lower() if on_win else name


def _prefix_from_environment(
    environ: Mapping[str, str], root: Callable[[], str], envs_dirs: Callable[[], Sequence[str]]
) -> str:
    """conda's target prefix: ``$CONDA_PREFIX``, else ``$CONDA_DEFAULT_ENV`` (the root for none,
    ``base`` or ``root``; a path as given; a name in the first envs dir that holds it, else in
    the first envs dir). ``root`` and ``envs_dirs`` are read only when needed."""
    active = environ.get("CONDA_PREFIX")
    if active:
        return active
    name = environ.get("CONDA_DEFAULT_ENV")
    if name in (None, ROOT_ENV_NAME, "root"):
        return root()
    if os.sep in name:
        return abspath(name)
    dirs = envs_dirs()
    for envs_dir in dirs:
        candidate = join(envs_dir, name)
        if isdir(candidate):
            return candidate
    return join(dirs[0], name)


def _machine() -> str:
    import platform

    return platform.machine()


def _expand_path(path: str) -> str:
    return abspath(expanduser(os.path.expandvars(path)))


def _prefix_is_writable(prefix: str) -> bool:
    """conda's shortcut: the prefix is writable when its conda-meta/history opens for appending."""
    path = join(prefix, PREFIX_MAGIC_FILE)
    if isfile(path):
        try:
            with open(path, "a+"):
                pass
        except OSError:
            return False
        return True
    return False


def _default_envs_dirs(root_writable: bool, root_prefix: str, configured: Iterable[str]) -> tuple[str, ...]:
    if root_writable:
        fixed = [join(root_prefix, "envs"), join("~", ".conda", "envs")]
    else:
        fixed = [join("~", ".conda", "envs"), join(root_prefix, "envs")]
    if on_win:  # pragma: no cover
        fixed.append(join(_user_data_dir(), "envs"))
    return _unique_strings(_expand_path(path) for path in (*configured, *fixed))
