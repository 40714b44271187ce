"""Types of the public names of conda_exports, which ``__init__.py`` resolves lazily (PEP 562).

Every name of ``__all__`` is here, as what its module defines (tests/test_typing.py checks
that the two lists match); type checkers read this file instead of ``__init__.py``.
"""

from builtins import input as input
from io import StringIO as StringIO

from ._version import __version__ as __version__

from .hashing import (
    hash_file as hash_file,
    hash_files as hash_files,
    verify as verify,
    md5_file as md5_file,
    hashsum_file as hashsum_file,
)
from .exceptions import (
    CondaError as CondaError,
    CondaMultiError as CondaMultiError,
    CondaOSError as CondaOSError,
    CondaFileNotFoundError as CondaFileNotFoundError,
    PathNotFoundError as PathNotFoundError,
    CondaVerificationError as CondaVerificationError,
    NothingToVerifyError as NothingToVerifyError,
    PaddingError as PaddingError,
    LinkError as LinkError,
    CondaHTTPError as CondaHTTPError,
    LockError as LockError,
    UnsatisfiableError as UnsatisfiableError,
    ResolvePackageNotFound as ResolvePackageNotFound,
    NoPackagesFound as NoPackagesFound,
    NoPackagesFoundError as NoPackagesFoundError,
    ChecksumMismatchError as ChecksumMismatchError,
    InvalidSpec as InvalidSpec,
    InvalidVersionSpec as InvalidVersionSpec,
    InvalidMatchSpec as InvalidMatchSpec,
    CondaValueError as CondaValueError,
    UnavailableInvalidChannel as UnavailableInvalidChannel,
    RepodataDecodeError as RepodataDecodeError,
    RepodataWarning as RepodataWarning,
)
from .configuration import (
    context as context,
    reset_context as reset_context,
    sys_rc_path as sys_rc_path,
    non_x86_machines as non_x86_machines,
    ConfigurationWarning as ConfigurationWarning,
)
from .constants import (
    DEFAULT_CHANNELS as DEFAULT_CHANNELS,
    DEFAULT_CHANNELS_UNIX as DEFAULT_CHANNELS_UNIX,
    DEFAULT_CHANNELS_WIN as DEFAULT_CHANNELS_WIN,
    PREFIX_PLACEHOLDER as PREFIX_PLACEHOLDER,
)
from .legacy import (
    non_x86_linux_machines as non_x86_linux_machines,
    get_default_urls as get_default_urls,
    arch_name as arch_name,
    binstar_upload as binstar_upload,
    bits as bits,
    default_prefix as default_prefix,
    default_python as default_python,
    envs_dirs as envs_dirs,
    pkgs_dirs as pkgs_dirs,
    platform as platform,
    root_dir as root_dir,
    root_writable as root_writable,
    subdir as subdir,
    conda_build as conda_build,
    get_rc_urls as get_rc_urls,
    get_local_urls as get_local_urls,
    load_condarc as load_condarc,
    PY3 as PY3,
    string_types as string_types,
    text_type as text_type,
    prefix_placeholder as prefix_placeholder,
    _PREFIX_PLACEHOLDER as _PREFIX_PLACEHOLDER,
    Completer as Completer,
    InstalledPackages as InstalledPackages,
    iteritems as iteritems,
    KEYS as KEYS,
    KEYS_DIR as KEYS_DIR,
)
from .models.version import (
    VersionOrder as VersionOrder,
    normalized_version as normalized_version,
)
from .models.match_spec import (
    MatchSpec as MatchSpec,
)
from .models.dist import (
    Dist as Dist,
)
from .models.records import (
    PackageRecord as PackageRecord,
    IndexRecord as IndexRecord,
    PrefixRecord as PrefixRecord,
    PackageCacheRecord as PackageCacheRecord,
    EntityEncoder as EntityEncoder,
)
from .models.channel import (
    Channel as Channel,
    get_conda_build_local_url as get_conda_build_local_url,
)
from .models.enums import (
    FileMode as FileMode,
    PathType as PathType,
)
from .utils import (
    human_bytes as human_bytes,
    url_path as url_path,
    spec_from_line as spec_from_line,
    specs_from_args as specs_from_args,
    specs_from_url as specs_from_url,
    _toposort as _toposort,
    dist_str_in_index as dist_str_in_index,
    cache_fn_url as cache_fn_url,
)
from .session import (
    CondaSession as CondaSession,
)
from .transfer import (
    download as download,
    TmpDownload as TmpDownload,
)
from .display import (
    display_actions as display_actions,
)
from .remove import (
    rm_rf as rm_rf,
    delete_trash as delete_trash,
    move_to_trash as move_to_trash,
)
from .index import (
    get_index as get_index,
)
from .fs import (
    symlink_conda as symlink_conda,
    _symlink_conda_hlp as _symlink_conda_hlp,
    win_conda_bat_redirect as win_conda_bat_redirect,
    lchmod as lchmod,
    TemporaryDirectory as TemporaryDirectory,
    walk_prefix as walk_prefix,
    untracked as untracked,
    unix_path_to_win as unix_path_to_win,
    win_path_to_unix as win_path_to_unix,
)
from .prefix import (
    linked_data as linked_data,
    linked as linked,
    is_linked as is_linked,
    delete_prefix_from_linked_data as delete_prefix_from_linked_data,
    verify_prefix as verify_prefix,
)
from .package_cache_data import (
    package_cache as package_cache,
)
from .conda_only import (
    Unsatisfiable as Unsatisfiable,
    Resolve as Resolve,
    Solver as Solver,
    plan as plan,
    execute_actions as execute_actions,
    execute_instructions as execute_instructions,
    execute_plan as execute_plan,
    install_actions as install_actions,
    ArgumentParser as ArgumentParser,
    add_parser_channels as add_parser_channels,
    add_parser_prefix as add_parser_prefix,
    subprocess_call as subprocess_call,
    ACTIVE_SUBPROCESSES as ACTIVE_SUBPROCESSES,
    ProgressiveFetchExtract as ProgressiveFetchExtract,
    compat as compat,
    deprecated as deprecated,
)

#: "rust" (the compiled kernels) or "python" (the pure-Python fallback)
BACKEND: str
#: conda.exports' ``on_win``
on_win: bool
