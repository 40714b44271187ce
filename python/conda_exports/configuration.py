"""conda's configuration context, read from the same files and variables as conda 25.1.

``context`` is built lazily: importing this module reads nothing; the first attribute
access reads the condarc files of the search path and the ``CONDA_*`` variables.
``reset_context()`` rebuilds it in place (so references to ``context`` stay valid).

Sources are merged as conda merges them, lowest priority first (system files, then user
files, ``$CONDA_PREFIX``, ``$CONDARC``, then ``CONDA_*`` variables):

- a scalar: the last source wins, unless an earlier one marks the key ``#!final``;
- a list: items of later sources first, duplicates dropped, ``#!top`` / ``#!bottom``
  items moved to the ends; sources after the first ``#!final`` are ignored;
- a map: merged key by key with the same rules.

Each setting is merged, expanded and checked on first access; a bad value raises a
:class:`~conda_exports.exceptions.ValidationError` naming the setting and its file.
"""

from __future__ import annotations

import os
import struct
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from os.path import abspath, expanduser, isdir, isfile, join

from ._condarc import Node, parse_file
from ._config_paths import (
    _base_name,
    _default_envs_dirs,
    _expand_path,
    _expand_search_entry,
    _expandvars,
    _is_pathlib_path,
    _join_path_text,
    _machine,
    _name_order,
    _path_text,
    _prefix_from_environment,
    _prefix_is_writable,
    _raise_errors,
    _suffix,
    _unique_strings,
    _user_data_dir,
    _warn_defaults_deprecation,
)
from ._settings import (
    _ENV_SOURCE,
    _channel_alias_validation,
    _default_python_default,
    _default_python_validation,
    _known_names,
    _Map,
    _Primitive,
    _Sequence,
    _Setting,
    _ssl_verify_validation,
)
from .constants import (
    APP_NAME,
    DEFAULT_AGGRESSIVE_UPDATE_PACKAGES,
    DEFAULT_CHANNEL_ALIAS,
    DEFAULT_CHANNELS,
    DEFAULT_CHANNELS_UNIX,
    DEFAULT_CHANNELS_WIN,
    DEFAULT_CONSOLE_REPORTER_BACKEND,
    DEFAULT_CUSTOM_CHANNELS,
    DEFAULT_JSON_REPORTER_BACKEND,
    DEFAULT_SOLVER,
    DEFAULTS_CHANNEL_NAME,
    ERROR_UPLOAD_URL,
    KNOWN_SUBDIRS,
    REPODATA_FN,
    SEARCH_PATH,
    ChannelPriority,
    DepsModifier,
    PathConflict,
    SafetyChecks,
    SatSolverChoice,
    UpdateModifier,
    on_win,
)
from .exceptions import (
    ConfigurationLoadError,
    MultipleKeysError,
    ValidationError,
)

# typing is imported only for type checkers: this module is imported by others at their import time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "Context",
    "ConfigurationWarning",
    "SEARCH_PATH",
    "context",
    "non_x86_machines",
    "reset_context",
    "sys_rc_path",
    "user_rc_path",
]

NoneType = type(None)

_platform_map = {
    "freebsd13": "freebsd",
    "linux2": "linux",
    "linux": "linux",
    "darwin": "osx",
    "win32": "win",
    "zos": "zos",
}

#: Machines whose subdir is ``<platform>-<machine>`` rather than ``<platform>-<bits>``.
non_x86_machines = {"armv6l", "armv7l", "aarch64", "arm64", "ppc64", "ppc64le", "riscv64", "s390x"}

_arch_names = {32: "x86", 64: "x86_64"}

#: conda computes these once, when its context module is imported.
user_rc_path = abspath(expanduser("~/.condarc"))
sys_rc_path = join(sys.prefix, ".condarc")

_CONDARC_FILENAMES = (".condarc", "condarc")
_YAML_EXTENSIONS = (".yml", ".yaml")


def _verbosity_at_least(level: int) -> property:
    """A read-only flag: is the context at least this verbose?"""

    def flag(self: Context) -> bool:
        return self.verbosity >= level

    return property(flag)


#: (verbosity above which, logging level): trace and beyond, then debug, info and WARNING below.
_LOG_LEVEL_FLOORS = ((4, 0), (3, 5), (2, 10), (1, 20))


class ConfigurationWarning(UserWarning):
    """A configuration file was skipped (it could not be read)."""


# --- the context ---------------------------------------------------------------------------


class Context:
    """conda's configuration: settings as attributes with conda's names and plain values.

    Built lazily: the files are read on first attribute access (or by ``reset_context``).
    """

    # general
    add_pip_as_python_dependency = _Primitive(True)
    allow_conda_downgrades = _Primitive(False)
    allow_cycles = _Primitive(True)
    allow_softlinks = _Primitive(False)
    auto_update_conda = _Primitive(True, aliases=("self_update",))
    auto_activate_base = _Primitive(True)
    auto_stack = _Primitive(0)
    notify_outdated_conda = _Primitive(True)
    clobber = _Primitive(False)
    changeps1 = _Primitive(True)
    env_prompt = _Primitive("({default_env}) ")
    create_default_packages = _Sequence()
    register_envs = _Primitive(True)
    default_python = _Primitive(_default_python_default(), (str, NoneType), validation=_default_python_validation)
    download_only = _Primitive(False)
    enable_private_envs = _Primitive(False)
    force_32bit = _Primitive(False)
    non_admin_enabled = _Primitive(True)
    pip_interop_enabled = _Primitive(False)

    # threads
    _default_threads = _Primitive(0, int, aliases=("default_threads",))
    _repodata_threads = _Primitive(0, int, aliases=("repodata_threads",))
    _fetch_threads = _Primitive(0, int, aliases=("fetch_threads",))
    _verify_threads = _Primitive(0, int, aliases=("verify_threads",))
    _execute_threads = _Primitive(0, int, aliases=("execute_threads",))

    # safety and security
    _aggressive_update_packages = _Sequence(DEFAULT_AGGRESSIVE_UPDATE_PACKAGES, aliases=("aggressive_update_packages",))
    safety_checks = _Primitive(SafetyChecks.warn)
    extra_safety_checks = _Primitive(False)
    _signing_metadata_url_base = _Primitive(None, (str, NoneType), aliases=("signing_metadata_url_base",))
    path_conflict = _Primitive(PathConflict.clobber)
    pinned_packages = _Sequence(delimiter="&")
    disallowed_packages = _Sequence(delimiter="&", aliases=("disallow",))
    rollback_enabled = _Primitive(True)
    track_features = _Sequence()
    use_index_cache = _Primitive(False)
    separate_format_cache = _Primitive(False)

    # locations
    _root_prefix = _Primitive("", aliases=("root_dir", "root_prefix"))
    _envs_dirs = _Sequence(delimiter=os.pathsep, aliases=("envs_dirs", "envs_path"), expandvars=True)
    _pkgs_dirs = _Sequence(aliases=("pkgs_dirs",), expandvars=True)
    _subdir = _Primitive("", aliases=("subdir",))
    _subdirs = _Sequence(aliases=("subdirs",))
    local_repodata_ttl = _Primitive(1, (bool, int))

    # network
    ssl_verify = _Primitive(
        True, (str, bool), aliases=("verify_ssl",), expandvars=True, validation=_ssl_verify_validation
    )
    client_ssl_cert = _Primitive(None, (str, NoneType), aliases=("client_cert",), expandvars=True)
    client_ssl_cert_key = _Primitive(None, (str, NoneType), aliases=("client_cert_key",), expandvars=True)
    proxy_servers = _Map(_Primitive(None, (str, NoneType)), expandvars=True)
    remote_connect_timeout_secs = _Primitive(9.15)
    remote_read_timeout_secs = _Primitive(60.0)
    remote_max_retries = _Primitive(3)
    remote_backoff_factor = _Primitive(1)
    add_anaconda_token = _Primitive(True, aliases=("add_binstar_token",))

    # channels
    allow_non_channel_urls = _Primitive(False)
    _channel_alias = _Primitive(
        DEFAULT_CHANNEL_ALIAS, aliases=("channel_alias",), expandvars=True, validation=_channel_alias_validation
    )
    channel_priority = _Primitive(ChannelPriority.FLEXIBLE)
    _channels = _Sequence(aliases=("channels", "channel"), expandvars=True)
    channel_settings = _Sequence(element=_Map(_Primitive("", str)))
    _custom_channels = _Map(_Primitive("", str), DEFAULT_CUSTOM_CHANNELS, aliases=("custom_channels",), expandvars=True)
    _custom_multichannels = _Map(_Sequence(), aliases=("custom_multichannels",), expandvars=True)
    _default_channels = _Sequence(DEFAULT_CHANNELS, aliases=("default_channels",), expandvars=True)
    _migrated_channel_aliases = _Sequence(aliases=("migrated_channel_aliases",))
    migrated_custom_channels = _Map(_Primitive("", str), expandvars=True)
    override_channels_enabled = _Primitive(True)
    show_channel_urls = _Primitive(None, (bool, NoneType))
    use_local = _Primitive(False)
    allowlist_channels = _Sequence(aliases=("whitelist_channels",), expandvars=True)
    denylist_channels = _Sequence(expandvars=True)
    restore_free_channel = _Primitive(False)
    repodata_fns = _Sequence(("current_repodata.json", REPODATA_FN))
    _use_only_tar_bz2 = _Primitive(None, (bool, NoneType), aliases=("use_only_tar_bz2",))

    always_softlink = _Primitive(False, aliases=("softlink",))
    always_copy = _Primitive(False, aliases=("copy",))
    always_yes = _Primitive(None, (bool, NoneType), aliases=("yes",))
    _debug = _Primitive(False, aliases=("debug",))
    _trace = _Primitive(False, aliases=("trace",))
    dev = _Primitive(False)
    dry_run = _Primitive(False)
    error_upload_url = _Primitive(ERROR_UPLOAD_URL)
    force = _Primitive(False)
    json = _Primitive(False)
    _console = _Primitive(DEFAULT_CONSOLE_REPORTER_BACKEND, str, aliases=("console",))
    offline = _Primitive(False)
    quiet = _Primitive(False)
    ignore_pinned = _Primitive(False)
    report_errors = _Primitive(None, (bool, NoneType))
    shortcuts = _Primitive(True)
    number_channel_notices = _Primitive(5, int)
    shortcuts_only = _Sequence(expandvars=True)
    _verbosity = _Primitive(0, int, aliases=("verbose", "verbosity"))
    experimental = _Sequence()
    no_lock = _Primitive(False)
    repodata_use_zst = _Primitive(True)
    envvars_force_uppercase = _Primitive(True)

    # solver
    deps_modifier = _Primitive(DepsModifier.NOT_SET)
    update_modifier = _Primitive(UpdateModifier.UPDATE_SPECS)
    sat_solver = _Primitive(SatSolverChoice.PYCOSAT)
    solver_ignore_timestamps = _Primitive(False)
    solver = _Primitive(DEFAULT_SOLVER, aliases=("experimental_solver",))
    force_remove = _Primitive(False)
    force_reinstall = _Primitive(False)
    target_prefix_override = _Primitive("")
    unsatisfiable_hints = _Primitive(True)
    unsatisfiable_hints_check_depth = _Primitive(2)

    # conda-build
    bld_path = _Primitive("")
    anaconda_upload = _Primitive(None, (bool, NoneType), aliases=("binstar_upload",))
    _croot = _Primitive("", aliases=("croot",))
    _conda_build = _Map(_Primitive("", str), aliases=("conda-build", "conda_build"))

    # plugins
    no_plugins = _Primitive(False)

    def __init__(
        self, search_path: Iterable[str | os.PathLike[str]] | None = None, env: Mapping[str, str] | None = None
    ):
        self._configure(search_path, env)

    # -- building

    def _configure(self, search_path: Iterable[str | os.PathLike[str]] | None, env: Mapping[str, str] | None) -> None:
        self._requested_search_path = SEARCH_PATH if search_path is None else tuple(search_path)
        self._environ: Mapping[str, str] = os.environ if env is None else env
        self._loaded = False
        self._search_path: tuple[str, ...] = ()
        self._sources: list[tuple[str, dict[str, Node]]] = []
        self._cache: dict[str, Any] = {}

    def _load(self) -> None:
        """Reads every file of the search path and the CONDA_* variables (once per reset)."""
        paths = tuple(dict.fromkeys(self._expand_search_path(self._requested_search_path)))
        sources: list[tuple[str, dict[str, Node]]] = []
        for name in paths:
            try:
                settings = parse_file(name)
            except UnicodeDecodeError as exc:
                raise ConfigurationLoadError(
                    name, "  reason: not UTF-8 text at byte %(position)s", position=exc.start
                ) from None
            except OSError as exc:
                warnings.warn(
                    f"Ignoring configuration file ({name}) that cannot be read: {exc.strerror or exc}",
                    ConfigurationWarning,
                    stacklevel=4,
                )
                continue
            sources.append((name, settings))
        sources.append((_ENV_SOURCE, self._env_settings()))
        self._search_path = paths
        self._sources = sources
        self._cache = {}
        self._loaded = True

    def _template_prefix(self) -> str:
        """What ``$CONDA_PREFIX`` means in the search path: conda's target prefix before loading."""
        root = abspath(sys.prefix)
        return _prefix_from_environment(
            self._environ, lambda: root, lambda: _default_envs_dirs(_prefix_is_writable(root), root, ())
        )

    def _expand_search_path(self, search_path: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
        """The condarc files the search path names, in order (a directory gives its YAML files by name)."""
        mapping: dict[str, str] | None = None
        for entry in search_path:
            if _is_pathlib_path(entry):
                path = str(entry)  # taken as given, as conda takes Path objects
            else:
                if mapping is None:
                    mapping = {**self._environ, "CONDA_PREFIX": self._template_prefix()}
                path = _path_text(_expand_search_entry(os.fspath(entry), mapping))
            if isfile(path):
                name = _base_name(path)
                if name in _CONDARC_FILENAMES or _suffix(name) in _YAML_EXTENSIONS:
                    yield path
            elif isdir(path):
                try:
                    names = os.listdir(path)
                except OSError as exc:
                    warnings.warn(
                        f"Ignoring configuration directory ({path}) that cannot be read: {exc.strerror or exc}",
                        ConfigurationWarning,
                        stacklevel=5,
                    )
                    continue
                for name in sorted(names, key=_name_order):
                    child = _join_path_text(path, name)
                    if _suffix(name) in _YAML_EXTENSIONS and isfile(child):
                        yield child

    def _env_settings(self) -> dict[str, Node]:
        prefix = f"{APP_NAME.upper()}_"
        return {
            key.replace(prefix, "", 1).lower(): Node(value, None, _ENV_SOURCE)
            for key, value in self._environ.items()
            if key.startswith(prefix)
        }

    def _ensure_loaded(self) -> None:
        if not self._loaded:
            self._load()

    def _setting_value(self, setting: _Setting) -> Any:
        cache = self._cache
        if setting.name in cache and self._loaded:
            value = cache[setting.name]
            # a copy, so that a caller's change cannot leak into the context (conda's are frozen)
            return dict(value) if isinstance(value, dict) else value
        self._ensure_loaded()
        cache = self._cache
        errors: list[Exception] = []
        matches: list[tuple[str, Node]] = []
        for source, settings in self._sources:
            keys = setting.names.intersection(settings)
            if not keys:
                continue
            if len(keys) > 1:
                errors.append(MultipleKeysError(source, tuple(sorted(keys)), setting.name))
                if setting.name not in keys:
                    continue
                key = setting.name
            else:
                (key,) = keys
            node = settings[key]
            if setting.kind != "primitive" and node.value is None:
                continue  # `channels: ~` and the like count as unset
            matches.append((source, setting.load(source, node)))
        if matches:
            source, merged = setting.merge(matches)
            expand = (lambda text: _expandvars(text, self._environ)) if setting.expandvars else None
            try:
                value = setting.typify(source, merged, expand)
            except ValidationError as exc:
                errors.append(exc)
                value = None
        else:
            value = setting.default
            if isinstance(value, dict):
                value = dict(value)
        _raise_errors(errors)
        cache[setting.name] = value
        return dict(value) if isinstance(value, dict) else value

    # -- where the configuration came from

    @property
    def search_path(self) -> tuple[str, ...]:
        """The condarc files read, lowest priority first."""
        self._ensure_loaded()
        return self._search_path

    @property
    def config_files(self) -> tuple[str, ...]:
        """The files that set at least one known setting."""
        self._ensure_loaded()
        known = _known_names(type(self))
        return tuple(
            source for source, settings in self._sources if source != _ENV_SOURCE and not known.isdisjoint(settings)
        )

    @property
    def raw_data(self) -> dict[str, dict[str, Any]]:
        """Each source's settings as written (files, then ``envvars``), without flags."""
        self._ensure_loaded()
        return {source: {key: node.plain() for key, node in settings.items()} for source, settings in self._sources}

    # -- derived values, as conda computes them

    @property
    def conda_prefix(self) -> str:
        return abspath(sys.prefix)

    @property
    def root_prefix(self) -> str:
        if "root_prefix" not in self._cache or not self._loaded:
            configured = self._root_prefix
            self._cache["root_prefix"] = abspath(expanduser(configured)) if configured else self.conda_prefix
        root_prefix: str = self._cache["root_prefix"]
        return root_prefix

    @property
    def root_dir(self) -> str:
        """conda.exports' name for the root prefix."""
        return self.root_prefix

    @property
    def root_writable(self) -> bool:
        return _prefix_is_writable(self.root_prefix)

    @property
    def envs_dirs(self) -> tuple[str, ...]:
        return _default_envs_dirs(self.root_writable, self.root_prefix, self._envs_dirs)

    @property
    def pkgs_dirs(self) -> tuple[str, ...]:
        if self._pkgs_dirs:
            return _unique_strings(_expand_path(path) for path in self._pkgs_dirs)
        cache_dir_name = "pkgs32" if self.force_32bit else "pkgs"
        fixed: tuple[str, ...] = (self.root_prefix, join("~", ".conda"))
        if on_win:  # pragma: no cover
            fixed += (_user_data_dir(),)
        return _unique_strings(_expand_path(join(path, cache_dir_name)) for path in fixed)

    @property
    def active_prefix(self) -> str | None:
        return self._environ.get("CONDA_PREFIX")

    @property
    def default_prefix(self) -> str:
        return _prefix_from_environment(self._environ, lambda: self.root_prefix, lambda: self.envs_dirs)

    @property
    def target_prefix(self) -> str:
        return self.default_prefix

    @property
    def shlvl(self) -> int:
        return int(self._environ.get("CONDA_SHLVL", -1))

    @property
    def platform(self) -> str:
        return _platform_map.get(sys.platform, "unknown")

    @property
    def bits(self) -> int:
        return 32 if self.force_32bit else 8 * struct.calcsize("P")

    @property
    def arch_name(self) -> str:
        machine = _machine()
        return machine if machine in non_x86_machines else _arch_names[self.bits]

    def _native_subdir(self) -> str:
        machine = _machine()
        if machine in non_x86_machines:
            return f"{self.platform}-{machine}"
        if self.platform == "zos":
            return "zos-z"
        return f"{self.platform}-{self.bits}"

    @property
    def subdir(self) -> str:
        return self._subdir or self._native_subdir()

    @property
    def subdirs(self) -> tuple[str, ...]:
        return self._subdirs or (self.subdir, "noarch")

    @property
    def known_subdirs(self) -> frozenset[str]:
        return frozenset((*KNOWN_SUBDIRS, *self.subdirs))

    @property
    def default_threads(self) -> int | None:
        return self._default_threads or None

    @property
    def repodata_threads(self) -> int | None:
        return self._repodata_threads or self.default_threads

    @property
    def fetch_threads(self) -> int | None:
        fetch_threads: int = self._fetch_threads
        if fetch_threads:
            return fetch_threads
        if self._fetch_threads == 0 and self._default_threads == 0:
            return 5  # neither setting given: conda's measured default for downloads
        return self.default_threads

    @property
    def verify_threads(self) -> int:
        return self._verify_threads or self.default_threads or 1

    @property
    def execute_threads(self) -> int:
        return self._execute_threads or self.default_threads or 1

    @property
    def croot(self) -> str:
        """Where conda-build keeps its work and output (the local ``conda-bld`` channel)."""
        setting: str
        for setting in (self._croot, self.bld_path):
            if setting:
                return abspath(expanduser(setting))
        build_config = self.conda_build
        if "root-dir" in build_config:  # present counts, even when empty
            return abspath(expanduser(build_config["root-dir"]))
        # Nothing configured: beside the base environment when it is writable, else in the home directory.
        return join(self.root_prefix, "conda-bld") if self.root_writable else _expand_path("~/conda-bld")

    # -- Channel-valued views of the channel settings (conda's names); built by models.channel

    @property
    def channel_alias(self) -> Any:
        """``channel_alias`` as a Channel (scheme, auth, location and token split out)."""
        from .models.channel import _config

        return _config(self).channel_alias

    @property
    def migrated_channel_aliases(self) -> tuple[Any, ...]:
        from .models.channel import _config

        return _config(self).migrated_channel_aliases

    @property
    def custom_multichannels(self) -> dict[str, tuple[Any, ...]]:
        """Multichannel name -> its Channels; ``defaults`` and ``local`` included."""
        from .models.channel import _config

        return _config(self).custom_multichannels

    @property
    def custom_channels(self) -> dict[str, Any]:
        """Channel name -> Channel, for every configured custom channel and multichannel member."""
        from .models.channel import _config

        return _config(self).custom_channels

    @property
    def default_channels(self) -> tuple[Any, ...]:
        """The ``defaults`` multichannel's Channels."""
        return self.custom_multichannels[DEFAULTS_CHANNEL_NAME]

    @property
    def local_build_root(self) -> str:
        return self.croot

    @property
    def conda_build(self) -> dict[str, str]:
        """The ``conda_build`` / ``conda-build`` map; one mutable dict per context, as conda-build expects."""
        self._ensure_loaded()
        if "conda_build" not in self._cache:
            self._cache["conda_build"] = dict(self._conda_build)
        conda_build: dict[str, str] = self._cache["conda_build"]
        return conda_build

    @property
    def conda_build_local_paths(self) -> tuple[str, ...]:
        # The places conda-build may have put packages, most specific first; only existing ones count.
        search_order = [self._croot, self.bld_path, self.conda_build.get("root-dir")]
        search_order += [join(self.root_prefix, "conda-bld"), "~/conda-bld"]
        expanded = [_expand_path(place) for place in search_order if place]
        return _unique_strings(filter(isdir, expanded))

    @property
    def conda_build_local_urls(self) -> tuple[str, ...]:
        from ._url import path_to_url

        return tuple(path_to_url(path) for path in self.conda_build_local_paths)

    @property
    def binstar_upload(self) -> bool | None:
        anaconda_upload: bool | None = self.anaconda_upload
        return anaconda_upload

    @property
    def signing_metadata_url_base(self) -> str | None:
        return self._signing_metadata_url_base or None

    @property
    def av_data_dir(self) -> str:
        return join(self.conda_prefix, "etc", "conda")

    @property
    def conda_exe(self) -> str:
        return join(self.conda_prefix, "Scripts" if on_win else "bin", "conda.exe" if on_win else "conda")

    @property
    def console(self) -> str:
        return DEFAULT_JSON_REPORTER_BACKEND if self.json else self._console

    @property
    def verbosity(self) -> int:
        if self._trace:
            return 4
        if self._debug:
            return 3
        verbosity: int = self._verbosity
        return verbosity

    trace = _verbosity_at_least(4)
    debug = _verbosity_at_least(3)
    info = _verbosity_at_least(2)
    verbose = _verbosity_at_least(1)

    @property
    def log_level(self) -> int:
        """The logging level for the verbosity: WARNING (30) up to NOTSET (0) above trace."""
        verbosity = self.verbosity
        return next((level for floor, level in _LOG_LEVEL_FLOORS if verbosity > floor), 30)

    # -- channels as plain data (Channel objects are built on these by the models)

    @property
    def channel_alias_url(self) -> str:
        channel_alias: str = self._channel_alias
        return channel_alias

    @property
    def migrated_channel_alias_urls(self) -> tuple[str, ...]:
        return tuple(self._migrated_channel_aliases)

    @property
    def migrated_custom_channel_urls(self) -> dict[str, str]:
        return dict(self.migrated_custom_channels)

    @property
    def custom_channel_urls(self) -> dict[str, str]:
        return dict(self._custom_channels)

    @property
    def custom_multichannel_urls(self) -> dict[str, tuple[str, ...]]:
        """Named groups of channels: the configured ones, then ``defaults`` and ``local`` (these win).

        Computed once per reset, as conda memoizes it (``local`` lists the build roots existing then).
        """
        self._ensure_loaded()
        cached = self._cache.get("custom_multichannel_urls")
        if cached is None:
            cached = self._cache["custom_multichannel_urls"] = self._compute_custom_multichannel_urls()
        return dict(cached)

    def _compute_custom_multichannel_urls(self) -> dict[str, tuple[str, ...]]:
        # Solving for Windows from elsewhere: the unchanged default list is swapped for the Windows one.
        windows_target = not on_win and self.subdir.startswith("win-")
        unchanged = windows_target and self._default_channels == DEFAULT_CHANNELS_UNIX
        default_channels = list(DEFAULT_CHANNELS_WIN if unchanged else self._default_channels)
        if self.restore_free_channel:
            warnings.warn(
                "Adding the 'free' channel as it existed prior to conda 4.7. is deprecated and will be removed "
                "in 25.3. See https://docs.conda.io/projects/conda/en/stable/user-guide/configuration/free-channel.html "
                "for more details.",
                FutureWarning,
                stacklevel=2,
            )
            default_channels.insert(1, "https://repo.anaconda.com/pkgs/free")
        result = {name: tuple(urls) for name, urls in self._custom_multichannels.items()}
        result[DEFAULTS_CHANNEL_NAME] = tuple(default_channels)
        result["local"] = self.conda_build_local_urls
        return result

    @property
    def default_channel_urls(self) -> tuple[str, ...]:
        return self.custom_multichannel_urls[DEFAULTS_CHANNEL_NAME]

    @property
    def channels(self) -> tuple[str, ...]:
        """The configured channels (``defaults`` when none, with conda's FutureWarning)."""
        local = ("local",) if self.use_local else ()
        if self._channels:
            configured: tuple[str, ...] = tuple(self._channels)
        else:
            _warn_defaults_deprecation()
            configured = (DEFAULTS_CHANNEL_NAME,)
        return self._validate_channels((*local, *configured))

    def _validate_channels(self, channels: tuple[str, ...]) -> tuple[str, ...]:
        """conda's allowlist / denylist check, by the channels' base URLs; then duplicates dropped."""
        allow, deny = self.allowlist_channels, self.denylist_channels
        if allow or deny:
            from .exceptions import ChannelDenied, ChannelNotAllowed
            from .models.channel import Channel

            allowed = {url for name in allow for url in Channel(name).base_urls}
            denied = {url for name in deny for url in Channel(name).base_urls}

            def refusal(url: str | None) -> type[Exception] | None:
                if url in denied:
                    return ChannelDenied
                return ChannelNotAllowed if allowed and url not in allowed else None

            for channel in map(Channel, channels):
                # The first of the channel's URLs that is refused decides which error it is.
                error = next(filter(None, map(refusal, channel.base_urls)), None)
                if error is not None:
                    raise error(channel)
        return _unique_strings(channels)

    @property
    def aggressive_update_packages(self) -> tuple[Any, ...]:
        from .models.match_spec import MatchSpec

        return tuple(MatchSpec(spec) for spec in self._aggressive_update_packages)

    @property
    def use_only_tar_bz2(self) -> bool:
        return bool(self._use_only_tar_bz2)

    @contextmanager
    def _override(self, key: str, value: Any) -> Iterator[None]:
        """Temporarily sets a setting (as conda's ``context._override``)."""
        missing = object()
        old = self.__dict__.get(key, missing)
        setattr(self, key, value)
        try:
            yield
        finally:
            # conda sets the old value back, which pins it past later resets; drop ours instead
            if old is missing:
                self.__dict__.pop(key, None)
            else:
                setattr(self, key, old)

    def __repr__(self) -> str:
        state = "loaded" if self._loaded else "not loaded yet"
        return f"<conda_exports Context ({state})>"


#: The process-wide context; nothing is read until an attribute is used.
context = Context()

#: The attributes ``_configure`` and ``_load`` set: the whole loaded state of a Context.
_LOADED_STATE = ("_requested_search_path", "_environ", "_loaded", "_search_path", "_sources", "_cache")


def reset_context(
    search_path: Iterable[str | os.PathLike[str]] | None = None,
    env: Mapping[str, str] | None = None,
    argparse_args: Any = None,
) -> Context:
    """Rebuilds ``context`` in place from ``search_path`` (conda's SEARCH_PATH when None).

    ``env`` replaces ``os.environ`` as the source of ``CONDA_*`` variables and ``$VAR``
    expansion. The files are read now, so a malformed one raises here, and then the context
    keeps the configuration it had.
    """
    saved = {name: context.__dict__[name] for name in _LOADED_STATE if name in context.__dict__}
    try:
        context._configure(search_path, env)
        context._load()
    except BaseException:
        # a bad argument or a malformed file leaves the context as it was before the call
        for name in _LOADED_STATE:
            context.__dict__.pop(name, None)
        context.__dict__.update(saved)
        raise
    channel_module = sys.modules.get("conda_exports.models.channel")
    if channel_module is not None:  # Channels made under the old settings are stale
        channel_module.Channel._reset_state()
    return context
