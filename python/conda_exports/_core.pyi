"""Compiled kernels of conda_exports (Rust, PyO3). Use the public API instead."""

__version__: str
__all__ = ["__version__", "box_fast", "file_digests", "many_file_digests"]

def file_digests(path: str, algorithms: list[str]) -> list[str]: ...
def many_file_digests(paths: list[str], algorithm: str) -> list[str]: ...
def box_fast(
    kwargs: dict[str, object], kinds: dict[str, int], tables: dict[str, dict[object, object]]
) -> tuple[dict[str, object], list[str]]: ...
