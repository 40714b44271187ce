"""The names of conda 25.1's ``conda.exports`` that only conda itself can provide.

Solving, planning, conda's argument parser and its subprocess helpers are not
reimplemented here. Build tools import them beside the names that are (conda-build's
old ``conda_interface.py`` did, in one statement), so each is still importable:

* where conda is installed, the first access imports the one conda module defining the
  name (``conda.resolve`` for ``Resolve``, never ``conda.exports``) and returns conda's
  own object; conda's context is left as it is (``import conda.exports`` would call
  conda's ``reset_context()``; these names do not);
* otherwise it is a placeholder that raises :class:`CondaRequiredError` (a
  ``CondaError``) naming conda as soon as it is called or instantiated, never on
  import. A class placeholder is a real class (``isinstance`` and ``issubclass`` work,
  and are false; subclassing works), a module placeholder (``plan``, ``compat``) is a
  module whose attributes raise, and reading an attribute of a class placeholder raises
  too (as an ``AttributeError`` as well, so ``hasattr`` answers False).

``ACTIVE_SUBPROCESSES`` without conda is an empty ``set``: conda keeps there the
``Popen`` objects ``subprocess_call`` starts, for its signal handler to end; with no conda,
nothing starts any and nothing reads it, and code adding its own still runs.
``Unsatisfiable`` is not conda-only: as in conda it is ``UnsatisfiableError`` (ours).
"""

from __future__ import annotations

import importlib
import types
from typing import TYPE_CHECKING, Any, NoReturn

from .exceptions import CondaError, UnsatisfiableError

__all__ = ["CondaRequiredError", "Unsatisfiable"]

if TYPE_CHECKING:
    # The names resolved on first access (``__getattr__`` below), as type checkers see them:
    # conda's own objects (conda ships no types) or placeholders, so classes are Any (usable
    # in annotations, callable, subclassable), functions take anything, modules are modules.
    from subprocess import Popen
    from typing import Callable

    from typing_extensions import TypeAlias

    Resolve: TypeAlias = Any
    Solver: TypeAlias = Any
    ArgumentParser: TypeAlias = Any
    ProgressiveFetchExtract: TypeAlias = Any
    plan: types.ModuleType
    compat: types.ModuleType
    execute_actions: Callable[..., Any]
    execute_instructions: Callable[..., Any]
    execute_plan: Callable[..., Any]
    install_actions: Callable[..., Any]
    add_parser_channels: Callable[..., Any]
    add_parser_prefix: Callable[..., Any]
    subprocess_call: Callable[..., Any]
    ACTIVE_SUBPROCESSES: set[Popen[Any]]
    deprecated: Any

Unsatisfiable = UnsatisfiableError

#: conda.exports name -> (conda module defining it, its attribute there or None for the
#: module itself, what stands in without conda: "class", "function", "module", "object", "set")
CONDA_ONLY: dict[str, tuple[str, str | None, str]] = {
    "Resolve": ("conda.resolve", "Resolve", "class"),
    "Solver": ("conda.core.solve", "Solver", "class"),
    "plan": ("conda.plan", None, "module"),
    "execute_actions": ("conda.plan", "execute_actions", "function"),
    "execute_instructions": ("conda.plan", "execute_instructions", "function"),
    "execute_plan": ("conda.plan", "execute_plan", "function"),
    "install_actions": ("conda.plan", "install_actions", "function"),
    "ArgumentParser": ("conda.cli.conda_argparse", "ArgumentParser", "class"),
    "add_parser_channels": ("conda.cli.helpers", "add_parser_channels", "function"),
    "add_parser_prefix": ("conda.cli.helpers", "add_parser_prefix", "function"),
    "subprocess_call": ("conda.gateways.subprocess", "subprocess_call", "function"),
    "ACTIVE_SUBPROCESSES": ("conda.gateways.subprocess", "ACTIVE_SUBPROCESSES", "set"),
    "ProgressiveFetchExtract": ("conda.core.package_cache_data", "ProgressiveFetchExtract", "class"),
    "compat": ("conda.common.compat", None, "module"),
    "deprecated": ("conda.deprecations", "deprecated", "object"),
}


class CondaRequiredError(CondaError):
    """A name only conda provides was used where conda cannot be imported."""

    def __init__(self, what: str, reason: str | None = None) -> None:
        message = f"{what} needs conda: install conda to use it"
        super().__init__(f"{message} ({reason})" if reason else message)
        self.what = what
        self.reason = reason


class CondaRequiredAttributeError(CondaRequiredError, AttributeError):
    """:class:`CondaRequiredError` for an attribute of a placeholder (``hasattr`` is False)."""


def _is_dunder(attr: str) -> bool:
    return attr.startswith("__") and attr.endswith("__")


class _MissingClassMeta(type):
    """Metaclass of the class placeholders: instantiating raises, so does reading attributes."""

    _conda_name: str
    _conda_reason: str | None

    def __call__(cls, *args: Any, **kwargs: Any) -> NoReturn:
        raise CondaRequiredError(cls._conda_name, cls._conda_reason)

    def __getattr__(cls, attr: str) -> NoReturn:
        if _is_dunder(attr):  # introspection (copy, pickle, typing, pytest) sees an ordinary class
            raise AttributeError(attr)
        raise CondaRequiredAttributeError(f"{cls._conda_name}.{attr}", cls._conda_reason)


class _MissingModule(types.ModuleType):
    """A module placeholder (``plan``, ``compat``): every public attribute raises."""

    def __init__(self, name: str, module: str, reason: str | None) -> None:
        super().__init__(module, f"Placeholder for conda's ``{module}``: conda is not installed.")
        self._conda_name = name
        self._conda_reason = reason

    def __getattr__(self, attr: str) -> NoReturn:
        if _is_dunder(attr):
            raise AttributeError(attr)
        raise CondaRequiredAttributeError(f"{self._conda_name}.{attr}", self._conda_reason)

    def __repr__(self) -> str:
        return f"<placeholder of module {self.__name__!r}: conda is not installed>"


class _MissingObject:
    """An object placeholder (``deprecated``): calling it or reading an attribute raises."""

    def __init__(self, name: str, reason: str | None) -> None:
        self._conda_name = name
        self._conda_reason = reason

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise CondaRequiredError(self._conda_name, self._conda_reason)

    def __getattr__(self, attr: str) -> NoReturn:
        if _is_dunder(attr):
            raise AttributeError(attr)
        raise CondaRequiredAttributeError(f"{self._conda_name}.{attr}", self._conda_reason)

    def __repr__(self) -> str:
        return f"<placeholder of conda's {self._conda_name!r}: conda is not installed>"


def _missing_function(name: str, reason: str | None) -> Any:
    def missing(*args: Any, **kwargs: Any) -> NoReturn:
        raise CondaRequiredError(name, reason)

    missing.__name__ = missing.__qualname__ = name
    missing.__module__ = "conda_exports"
    missing.__doc__ = f"Placeholder of conda's ``{name}``: calling it raises CondaRequiredError."
    return missing


def placeholder(name: str, reason: str | None = None) -> Any:
    """What stands in for the conda-only ``name`` where conda cannot provide it."""
    module, _, kind = CONDA_ONLY[name]
    if kind == "set":
        return set()
    if kind == "function":
        return _missing_function(name, reason)
    if kind == "module":
        return _MissingModule(name, module, reason)
    if kind == "object":
        return _MissingObject(name, reason)
    doc = f"Placeholder of conda's ``{name}``: instantiating it raises CondaRequiredError."
    namespace = {"__module__": "conda_exports", "__doc__": doc, "_conda_name": name, "_conda_reason": reason}
    return _MissingClassMeta(name, (), namespace)


def resolve(name: str) -> Any:
    """conda's own object for ``name``, importing just its module; a placeholder without conda."""
    module_name, attr, _ = CONDA_ONLY[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        # conda absent: the plain message; conda present but broken (a dependency missing): why
        reason = None if exc.name == "conda" else f"importing {module_name} failed: {exc}"
        return placeholder(name, reason)
    if attr is None:
        return module
    try:
        return getattr(module, attr)
    except AttributeError:
        version = getattr(importlib.import_module("conda"), "__version__", "?")
        return placeholder(name, f"conda {version} has no {module_name}.{attr}")


def __getattr__(name: str) -> Any:
    if name not in CONDA_ONLY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = resolve(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(CONDA_ONLY))
