"""The enums conda's records use: ``FileMode``, ``PathType``, ``LinkType``, ``NoarchType``, ...

Member names, values, ``str()`` and the JSON form (``__json__``) are conda 25.1's, so
records dumped here read back in conda and the other way round.
"""

from __future__ import annotations

import sys
from enum import Enum
from platform import machine

from ..exceptions import CondaUpgradeError

# annotations are only read by type checkers: typing is not imported at run time
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, ClassVar


class Arch(Enum):
    """CPU architectures as conda names them."""

    x86 = "x86"
    x86_64 = "x86_64"
    arm64 = "arm64"  # macOS and Windows
    armv6l = "armv6l"
    armv7l = "armv7l"
    aarch64 = "aarch64"  # Linux
    ppc64 = "ppc64"
    ppc64le = "ppc64le"
    riscv64 = "riscv64"
    s390x = "s390x"
    wasm32 = "wasm32"
    z = "z"

    @classmethod
    def from_sys(cls) -> Arch:
        """The running machine's architecture (``KeyError`` for one conda does not know)."""
        if sys.platform == "zos":
            return cls["z"]
        return cls[machine()]

    def __json__(self) -> str:
        return self.value


class Platform(Enum):
    """Operating systems; the values are ``sys.platform`` spellings."""

    freebsd = "freebsd"
    linux = "linux"
    win = "win32"
    openbsd = "openbsd5"
    osx = "darwin"
    zos = "zos"
    emscripten = "emscripten"
    wasi = "wasi"

    @classmethod
    def from_sys(cls) -> Platform:
        return cls(sys.platform)

    def __json__(self) -> str:
        return self.value


class FileMode(Enum):
    """How a file with a prefix placeholder is rewritten at link time."""

    text = "text"
    binary = "binary"

    def __str__(self) -> str:
        return self.value


class LinkType(Enum):
    """How a file gets into a prefix (``directory`` is listed here too, as conda does)."""

    hardlink = 1
    softlink = 2
    copy = 3
    directory = 4

    def __int__(self) -> int:
        return self.value

    def __str__(self) -> str:
        return self.name

    def __json__(self) -> str:
        return self.name


class _ClassProperty:
    """A read-only property of the class itself (``PathType.basic_types``)."""

    def __init__(self, getter: Callable[[Any], tuple[PathType, ...]]) -> None:
        self._getter = getter

    def __get__(self, instance: object, owner: type[PathType]) -> tuple[PathType, ...]:
        return self._getter(owner)


class PathType(Enum):
    """What a path in a package or prefix is (paths.json ``path_type``)."""

    hardlink = "hardlink"
    softlink = "softlink"
    directory = "directory"
    # written by conda itself, never by conda-build into packages
    linked_package_record = "linked_package_record"
    pyc_file = "pyc_file"
    unix_python_entry_point = "unix_python_entry_point"
    windows_python_entry_point_script = "windows_python_entry_point_script"
    windows_python_entry_point_exe = "windows_python_entry_point_exe"

    if TYPE_CHECKING:  # mypy takes any attribute with a value for a member, a descriptor too
        basic_types: ClassVar[tuple[PathType, ...]]
    else:  # a descriptor, so Enum does not make it a member
        basic_types = _ClassProperty(lambda cls: (cls.hardlink, cls.softlink, cls.directory))

    def __str__(self) -> str:
        return self.name

    def __json__(self) -> str:
        return self.name


class PackageType(Enum):
    """Kinds of package records, real and virtual."""

    NOARCH_GENERIC = "noarch_generic"
    NOARCH_PYTHON = "noarch_python"
    VIRTUAL_PRIVATE_ENV = "virtual_private_env"
    VIRTUAL_PYTHON_WHEEL = "virtual_python_wheel"
    VIRTUAL_PYTHON_EGG_MANAGEABLE = "virtual_python_egg_manageable"
    VIRTUAL_PYTHON_EGG_UNMANAGEABLE = "virtual_python_egg_unmanageable"
    VIRTUAL_PYTHON_EGG_LINK = "virtual_python_egg_link"
    VIRTUAL_SYSTEM = "virtual_system"

    @staticmethod
    def conda_package_types() -> set[PackageType | None]:
        return {None, PackageType.NOARCH_GENERIC, PackageType.NOARCH_PYTHON}

    @staticmethod
    def unmanageable_package_types() -> set[PackageType]:
        return {
            PackageType.VIRTUAL_PYTHON_EGG_UNMANAGEABLE,
            PackageType.VIRTUAL_PYTHON_EGG_LINK,
            PackageType.VIRTUAL_SYSTEM,
        }


_TRUE_WORDS = frozenset(("true", "yes", "on", "y"))
_FALSE_WORDS = frozenset(("false", "off", "n", "no", "non", "none", ""))


def _truthy(text: str) -> bool | None:
    """conda's string-to-bool coercion for ``noarch`` values; None when it cannot tell."""
    val = text.strip().lower().replace(".", "", 1)
    if val.isnumeric():
        return bool(float(val))
    if val in _TRUE_WORDS:
        return True
    if val in _FALSE_WORDS:
        return False
    try:
        return bool(complex(val))
    except ValueError:
        return None


class NoarchType(Enum):
    """The ``noarch`` field of a record: ``generic`` or ``python``."""

    generic = "generic"
    python = "python"

    @staticmethod
    def coerce(val: object) -> NoarchType | None | object:
        """conda's lenient reading: booleans and boolean-ish strings mean ``generic``.

        An unknown word raises ``CondaUpgradeError``, as conda does (a newer noarch kind).
        """
        if isinstance(val, NoarchType):
            return val
        valtype = getattr(val, "type", None)
        if isinstance(valtype, NoarchType):
            return valtype
        if isinstance(val, bool):
            return NoarchType.generic if val else None
        if isinstance(val, str):
            lowered = val.lower()
            if lowered == "python":
                return NoarchType.python
            if lowered == "generic":
                return NoarchType.generic
            truth = _truthy(lowered)
            if truth is None:
                raise CondaUpgradeError(
                    f"\nThe noarch type for this package is set to '{lowered}'.\n"
                    "The current version of conda is too old to install this package.\n"
                    "Please update conda.\n"
                )
            return NoarchType.generic if truth else None
        return val
