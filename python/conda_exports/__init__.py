"""conda-exports: conda's ``conda.exports`` API, standalone and fast.

Importing the package is cheap: public names are resolved on first access (PEP 562),
so no configuration is read and no heavy module is imported until it is used.
"""

from __future__ import annotations

import builtins
import importlib
import sys
from io import StringIO  # conda.exports re-exports it, for conda-build

from . import _backend
from ._version import __version__

# typing costs ~8 ms to import; annotations here are only read by type checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# public name -> submodule that defines it (one line per name, grouped by module)
_EXPORTS: dict[str, str] = {
    # hashing
    "hash_file": "hashing",
    "hash_files": "hashing",
    "verify": "hashing",
    "md5_file": "hashing",
    "hashsum_file": "hashing",
    # exceptions
    "CondaError": "exceptions",
    "CondaMultiError": "exceptions",
    "CondaOSError": "exceptions",
    "CondaFileNotFoundError": "exceptions",
    "PathNotFoundError": "exceptions",
    "CondaVerificationError": "exceptions",
    "NothingToVerifyError": "exceptions",
    "PaddingError": "exceptions",
    "LinkError": "exceptions",
    "CondaHTTPError": "exceptions",
    "LockError": "exceptions",
    "UnsatisfiableError": "exceptions",
    "ResolvePackageNotFound": "exceptions",
    "NoPackagesFound": "exceptions",
    "NoPackagesFoundError": "exceptions",
    "ChecksumMismatchError": "exceptions",
    "InvalidSpec": "exceptions",
    "InvalidVersionSpec": "exceptions",
    "InvalidMatchSpec": "exceptions",
    "CondaValueError": "exceptions",
    "UnavailableInvalidChannel": "exceptions",
    # context
    "context": "configuration",
    "reset_context": "configuration",
    "sys_rc_path": "configuration",
    "non_x86_machines": "configuration",
    "ConfigurationWarning": "configuration",
    # constants
    "DEFAULT_CHANNELS": "constants",
    "DEFAULT_CHANNELS_UNIX": "constants",
    "DEFAULT_CHANNELS_WIN": "constants",
    "PREFIX_PLACEHOLDER": "constants",
    # legacy
    "non_x86_linux_machines": "legacy",
    "get_default_urls": "legacy",
    "arch_name": "legacy",
    "binstar_upload": "legacy",
    "bits": "legacy",
    "default_prefix": "legacy",
    "default_python": "legacy",
    "envs_dirs": "legacy",
    "pkgs_dirs": "legacy",
    "platform": "legacy",
    "root_dir": "legacy",
    "root_writable": "legacy",
    "subdir": "legacy",
    "conda_build": "legacy",
    "get_rc_urls": "legacy",
    "get_local_urls": "legacy",
    "load_condarc": "legacy",
    "PY3": "legacy",
    "string_types": "legacy",
    "text_type": "legacy",
    "prefix_placeholder": "legacy",
    "_PREFIX_PLACEHOLDER": "legacy",
    "Completer": "legacy",
    "InstalledPackages": "legacy",
    "iteritems": "legacy",
    "KEYS": "legacy",
    "KEYS_DIR": "legacy",
    # models.version
    "VersionOrder": "models.version",
    "normalized_version": "models.version",
    # models.match_spec
    "MatchSpec": "models.match_spec",
    # models.dist
    "Dist": "models.dist",
    # models.records
    "PackageRecord": "models.records",
    "IndexRecord": "models.records",
    "PrefixRecord": "models.records",
    "PackageCacheRecord": "models.records",
    "EntityEncoder": "models.records",
    # models.channel
    "Channel": "models.channel",
    "get_conda_build_local_url": "models.channel",
    # models.enums
    "FileMode": "models.enums",
    "PathType": "models.enums",
    # utils
    "human_bytes": "utils",
    "url_path": "utils",
    "spec_from_line": "utils",
    "specs_from_args": "utils",
    "specs_from_url": "utils",
    "_toposort": "utils",
    "dist_str_in_index": "utils",
    "cache_fn_url": "utils",
    # session
    "CondaSession": "session",
    # transfer (not "download": the module would shadow the function of that name)
    "download": "transfer",
    "TmpDownload": "transfer",
    # plan
    "display_actions": "display",
    # remove
    "rm_rf": "remove",
    "delete_trash": "remove",
    "move_to_trash": "remove",
    # index
    "get_index": "index",
    # repodata
    "RepodataDecodeError": "exceptions",
    "RepodataWarning": "exceptions",
    # fs
    "symlink_conda": "fs",
    "_symlink_conda_hlp": "fs",
    "win_conda_bat_redirect": "fs",
    "lchmod": "fs",
    "TemporaryDirectory": "fs",
    "walk_prefix": "fs",
    "untracked": "fs",
    "linked_data": "prefix",
    "linked": "prefix",
    "is_linked": "prefix",
    "delete_prefix_from_linked_data": "prefix",
    "verify_prefix": "prefix",
    "package_cache": "package_cache_data",
    "unix_path_to_win": "fs",
    "win_path_to_unix": "fs",
    # conda_only: conda's own objects where conda is installed, placeholders elsewhere
    "Unsatisfiable": "conda_only",
    "Resolve": "conda_only",
    "Solver": "conda_only",
    "plan": "conda_only",
    "execute_actions": "conda_only",
    "execute_instructions": "conda_only",
    "execute_plan": "conda_only",
    "install_actions": "conda_only",
    "ArgumentParser": "conda_only",
    "add_parser_channels": "conda_only",
    "add_parser_prefix": "conda_only",
    "subprocess_call": "conda_only",
    "ACTIVE_SUBPROCESSES": "conda_only",
    "ProgressiveFetchExtract": "conda_only",
    "compat": "conda_only",
    "deprecated": "conda_only",
}

#: conda.exports' ``on_win``; ``input`` is the builtin, re-exported by conda.exports for conda-build.
on_win = sys.platform == "win32"
input = builtins.input

__all__ = ["BACKEND", "StringIO", "__version__", "input", "on_win", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name == "BACKEND":
        return _backend.BACKEND
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f".{module_name}", __name__)
    value = getattr(module, name)
    deprecation = getattr(module, "_WARN_ON_ACCESS", {}).get(name)
    if deprecation is not None:
        # not cached: like conda.exports, every access warns; but ``from conda_exports import
        # KEYS`` reads the name twice (the import system's hasattr on a package, then the
        # import itself) and conda.exports, a plain module, is read once: warn once too.
        if sys._getframe(1).f_code.co_name != "_handle_fromlist":
            import warnings

            warnings.warn(deprecation, PendingDeprecationWarning, stacklevel=2)
        return value
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
