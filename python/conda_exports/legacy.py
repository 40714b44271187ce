"""The legacy module-level names of conda.exports, computed on first access.

conda 25.1 computes ``pkgs_dirs``, ``envs_dirs``, ``root_dir`` and the like once, when
``conda.exports`` is imported. Here each is computed from ``context`` the first time it
is read (PEP 562 module ``__getattr__``) and then kept, so importing the package reads no
configuration; like conda's, the kept value does not follow a later ``reset_context()``.
The functions (``get_rc_urls``, ``get_local_urls``, ...) read the context on every call.
"""

from __future__ import annotations

import warnings

from .configuration import context, non_x86_machines, reset_context
from .constants import DEFAULT_CHANNELS, PREFIX_PLACEHOLDER

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

    # the names computed on first access (``__getattr__`` below), as type checkers see them
    arch_name: str
    binstar_upload: bool | None
    bits: int
    default_prefix: str
    default_python: str | None
    envs_dirs: tuple[str, ...]
    pkgs_dirs: tuple[str, ...]
    platform: str
    root_dir: str
    root_writable: bool
    subdir: str
    conda_build: dict[str, str]

non_x86_linux_machines = non_x86_machines
_PREFIX_PLACEHOLDER = prefix_placeholder = PREFIX_PLACEHOLDER

# six-era names conda.exports still carries
PY3 = True
string_types = str
text_type = str


def get_default_urls() -> tuple[str, ...]:
    """conda's built-in default channels (not the configured ``default_channels``)."""
    return DEFAULT_CHANNELS


def get_rc_urls() -> list[str]:
    """The configured channels; ``['defaults']`` with conda's FutureWarning when none are set."""
    return list(context.channels)


def get_local_urls() -> list[str]:
    """conda-build's local channel: ``[context.local_build_root]`` (a path, as conda returns it)."""
    return [context.local_build_root]


def load_condarc(fn: str) -> Any:
    """Rebuilds the context from the one condarc file ``fn``; returns the context."""
    return reset_context([fn])


# --- names computed from the context on first access ----------------------------------

_FROM_CONTEXT: dict[str, Callable[[], Any]] = {
    "arch_name": lambda: context.arch_name,
    "binstar_upload": lambda: context.anaconda_upload,
    "bits": lambda: context.bits,
    "default_prefix": lambda: context.default_prefix,
    "default_python": lambda: context.default_python,
    "envs_dirs": lambda: context.envs_dirs,
    "pkgs_dirs": lambda: context.pkgs_dirs,
    "platform": lambda: context.platform,
    "root_dir": lambda: context.root_prefix,
    "root_writable": lambda: context.root_writable,
    "subdir": lambda: context.subdir,
    "conda_build": lambda: context.conda_build,
}


__all__ = [
    "PY3",
    "Completer",
    "InstalledPackages",
    "KEYS",
    "KEYS_DIR",
    "_PREFIX_PLACEHOLDER",
    "get_default_urls",
    "get_local_urls",
    "get_rc_urls",
    "iteritems",
    "load_condarc",
    "non_x86_linux_machines",
    "prefix_placeholder",
    "string_types",
    "text_type",
    *_FROM_CONTEXT,
]


def __getattr__(name: str) -> Any:
    compute = _FROM_CONTEXT.get(name)
    if compute is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = compute()
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# --- deprecated shells, warning exactly as conda 25.1's do -----------------------------

# conda 25.1 marks these "deprecated in 25.3, removed in 25.9"; before 25.3 that is pending.
_CATEGORY = PendingDeprecationWarning


def _pending(name: str, addendum: str) -> str:
    return f"conda.exports.{name} is pending deprecation and will be removed in 25.9. {addendum}"


# conda's deprecated None constants; conda_exports warns on every read of them, as conda does.
KEYS = None
KEYS_DIR = None

#: Names that warn each time they are read from ``conda_exports`` (conda's deprecated constants).
_WARN_ON_ACCESS = {"KEYS": _pending("KEYS", "Unused."), "KEYS_DIR": _pending("KEYS_DIR", "Unused.")}


def iteritems(d: Any, **kw: Any) -> Any:
    """``iter(d.items())``; deprecated by conda in favour of ``dict.items()``."""
    warnings.warn(_pending("iteritems", "Use builtin `dict.items()` instead."), _CATEGORY, stacklevel=2)
    return iter(d.items(**kw))


class _Completer:
    def get_items(self) -> Any:
        return self._get_items()  # type: ignore[attr-defined]

    def __contains__(self, item: Any) -> bool:
        return True

    def __iter__(self) -> Any:
        return iter(self.get_items())


class _InstalledPackages:
    pass


def _deprecated_class(cls: type, name: str) -> Callable[..., Any]:
    # conda's decorator turns a deprecated class into a function returning an instance.
    message = _pending(name, "Unused.")

    def make(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(message, _CATEGORY, stacklevel=2)
        return cls(*args, **kwargs)

    cls.__name__ = cls.__qualname__ = name
    make.__name__ = make.__qualname__ = name
    make.__doc__ = cls.__doc__
    make.__wrapped__ = cls  # type: ignore[attr-defined]
    return make


Completer = _deprecated_class(_Completer, "Completer")
InstalledPackages = _deprecated_class(_InstalledPackages, "InstalledPackages")
