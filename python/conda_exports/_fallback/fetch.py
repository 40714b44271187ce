"""Pure-Python zstd kernel, matching ``_core.decompress_zst``: the ``zstandard`` package when installed.

Frames are fed to a fresh decompression object one after another, so consecutive frames
are concatenated and a frame that stops early is reported (``zstandard``'s stream reader
returns a short result silently there). Nothing is imported at module import.
"""

from __future__ import annotations

import os

_BLOCK = 1024 * 1024
#: The same text the Rust kernel gives for a frame cut short.
TRUNCATED = "truncated: the data ends inside a zstd frame"


def zst_supported() -> bool:
    """Whether ``.zst`` bodies can be decompressed: the ``zstandard`` package imports."""
    try:
        import zstandard  # noqa: F401
    except ImportError:
        return False
    return True


def decompress_zst(src: str, dst: str) -> int:
    """Decompresses the zstd file ``src`` into ``dst``; returns the bytes written (``dst`` is removed on error)."""
    try:
        return _decompress_into(src, dst)
    except BaseException:
        try:
            os.unlink(dst)
        except OSError:
            pass
        raise


def _decompress_into(src: str, dst: str) -> int:
    from ..exceptions import CondaDependencyError, ZstdDecompressionError, from_oserror

    try:
        import zstandard
    except ImportError:
        raise CondaDependencyError(
            "decompressing a .zst body needs the zstandard package: pip install 'conda-exports[zst]'"
        ) from None
    try:
        source = open(src, "rb")  # noqa: SIM115 (closed below; errors name the right file)
    except OSError as exc:
        raise from_oserror(exc, src) from None
    with source:
        try:
            target = open(dst, "wb")  # noqa: SIM115
        except OSError as exc:
            raise from_oserror(exc, dst) from None
        with target:
            factory = zstandard.ZstdDecompressor()
            frame = factory.decompressobj()
            in_frame = False  # bytes of the current frame were fed, and it has not ended
            seen_input = False
            written = 0
            while True:
                try:
                    block = source.read(_BLOCK)
                except OSError as exc:
                    raise from_oserror(exc, src) from None
                if not block:
                    break
                seen_input = True
                while block:
                    try:
                        out = frame.decompress(block)
                    except zstandard.ZstdError as exc:
                        # "zstd decompressor error: Unknown frame descriptor" -> libzstd's own words, as Rust gives them
                        raise ZstdDecompressionError(src, str(exc).rpartition("error: ")[2]) from None
                    in_frame = True
                    if out:
                        try:
                            target.write(out)
                        except OSError as exc:
                            raise from_oserror(exc, dst) from None
                        written += len(out)
                    if frame.eof:
                        block = frame.unused_data
                        frame = factory.decompressobj()
                        in_frame = False
                    else:
                        block = b""
            if not seen_input:
                raise ZstdDecompressionError(src, "empty file (no zstd frame)")
            if in_frame:
                raise ZstdDecompressionError(src, TRUNCATED)
            try:
                target.flush()
            except OSError as exc:
                raise from_oserror(exc, dst) from None
            return written
