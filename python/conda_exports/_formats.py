"""Package archive formats and digest algorithms: the names the kernels and the API share,
in a module of their own so the pure-Python kernels can import them with the package."""

from __future__ import annotations

#: The digest algorithms every hashing function takes (names are case-insensitive); the Rust
#: kernel's list is checked equal by tests/test_kernel_agreements.py.
HASH_ALGORITHMS = ("md5", "sha256", "blake3")
#: Package archive extensions, in conda's order of preference.
PACKAGE_EXTENSIONS = (".conda", ".tar.bz2")
