"""Compiled kernels of conda_exports (Rust, PyO3). Use the public API instead."""

__version__: str
__all__ = ["__version__", "file_digests", "many_file_digests"]

def file_digests(path: str, algorithms: list[str]) -> list[str]: ...
def many_file_digests(paths: list[str], algorithm: str) -> list[str]: ...
