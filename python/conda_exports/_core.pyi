"""Compiled kernels of conda_exports (Rust, PyO3). Use the public API instead."""

from collections.abc import Callable
from typing import Any, final

__version__: str
# record field codes (rust/records.rs, the one definition) and conda's seconds limit
KIND_INT: int
KIND_KEEP: int
KIND_LOOKUP: int
KIND_PYTHON: int
KIND_STR: int
KIND_STR_SEQ: int
KIND_TIMESTAMP: int
MAX_SECONDS: int
NULLABLE: int
HASH_ALGORITHMS: tuple[str, ...]
__all__ = [
    "HASH_ALGORITHMS",
    "KIND_INT",
    "KIND_KEEP",
    "KIND_LOOKUP",
    "KIND_PYTHON",
    "KIND_STR",
    "KIND_STR_SEQ",
    "KIND_TIMESTAMP",
    "MAX_SECONDS",
    "NULLABLE",
    "CondaMeta",
    "RepodataStore",
    "__version__",
    "StoredField",
    "box_fast",
    "decompress_zst",
    "duplicates",
    "file_digests",
    "many_file_digests",
    "parse_repodata",
    "read_conda_meta",
    "rm_rf_once",
    "split_spec",
    "version_key",
    "version_keys",
    "version_order_new",
    "zst_supported",
]

def file_digests(path: str, algorithms: list[str]) -> list[str]: ...
def many_file_digests(paths: list[str], algorithm: str) -> list[str]: ...
def version_key(text: str) -> tuple[str, bytes] | None: ...
def version_keys(texts: list[str]) -> list[tuple[str, bytes] | None]: ...
def version_order_new(cls: type, cache: dict[str, Any], slow: Callable[..., Any], limit: int) -> Callable[..., Any]: ...
def box_fast(
    kwargs: dict[str, object], kinds: dict[str, int], tables: dict[str, dict[object, object]]
) -> tuple[dict[str, object], list[str]]: ...
def rm_rf_once(path: str, trash: bool) -> list[tuple[str, int | None, str]]: ...

@final
class RepodataStore:
    """A parsed subdir: records stay in Rust until a field is read."""

    @property
    def info(self) -> str | None: ...
    def __len__(self) -> int: ...
    def bind(
        self,
        common: dict[str, object],
        base_url: str,
        absent: object,
        noarch: tuple[object, object],
        field_names: list[str],
    ) -> None: ...
    def dists(self, dist_type: type, channel: str) -> tuple[list[object], list[int]]: ...
    def slow(self) -> list[tuple[int, str, str | None]]: ...
    def skipped(self) -> list[tuple[str, str]]: ...
    def get(self, index: int, name: str) -> object: ...
    def fields(self, index: int) -> dict[str, object]: ...

def parse_repodata(path: str, add_pip: bool, use_only_tar_bz2: bool) -> RepodataStore: ...
def duplicates(stores: list[RepodataStore], with_fn: bool) -> list[tuple[int, int, int, int]]: ...

@final
class CondaMeta:
    """The conda-meta files of a prefix, as read; lazy fields stay here as text."""

    def __len__(self) -> int: ...
    def entries(self) -> list[tuple[int, object, object, tuple[str, ...]]]: ...
    def text(self, index: int, key: str) -> str: ...
    def value(self, index: int, key: str) -> object | None: ...
    def verify(
        self, root: str, indices: list[int], check_sha256: bool
    ) -> list[tuple[int, str, str, int | str | None, int | str | None]]: ...

def read_conda_meta(paths: list[str]) -> CondaMeta: ...
def decompress_zst(src: str, dst: str) -> int: ...
def zst_supported() -> bool: ...

@final
class StoredField:
    """The descriptor of a record field, reading a repodata record's store on first use."""

    def __new__(
        cls, name: str, constant: object, derived: object, inputs: tuple[str, ...], missing: object, absent: object
    ) -> StoredField: ...
    @property
    def name(self) -> str: ...
    def __get__(self, instance: object, owner: object = None, /) -> object: ...

def split_spec(text: str) -> tuple[str, str | None, str | None, str | None, list[tuple[str, str]], bool] | None: ...
