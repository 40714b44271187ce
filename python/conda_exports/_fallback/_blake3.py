"""BLAKE3 in pure Python, written from the published specification.

Used only when the ``blake3`` package is not installed, so that the fallback backend
gives the same digests everywhere. It is correct, not fast (about 1 MB/s).
"""

from __future__ import annotations

import struct

_IV = (
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
    0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
)  # fmt: skip
_PERMUTATION = (2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8)
_CHUNK_START, _CHUNK_END, _PARENT, _ROOT = 1, 2, 4, 8
_CHUNK_LEN, _BLOCK_LEN = 1024, 64
_MASK = 0xFFFFFFFF
_WORDS = struct.Struct("<16I")


def _g(s: list[int], a: int, b: int, c: int, d: int, x: int, y: int) -> None:
    s[a] = (s[a] + s[b] + x) & _MASK
    t = s[d] ^ s[a]
    s[d] = ((t >> 16) | (t << 16)) & _MASK
    s[c] = (s[c] + s[d]) & _MASK
    t = s[b] ^ s[c]
    s[b] = ((t >> 12) | (t << 20)) & _MASK
    s[a] = (s[a] + s[b] + y) & _MASK
    t = s[d] ^ s[a]
    s[d] = ((t >> 8) | (t << 24)) & _MASK
    s[c] = (s[c] + s[d]) & _MASK
    t = s[b] ^ s[c]
    s[b] = ((t >> 7) | (t << 25)) & _MASK


def _compress(cv: tuple[int, ...], m: tuple[int, ...], counter: int, block_len: int, flags: int) -> list[int]:
    s = [*cv, *_IV[:4], counter & _MASK, (counter >> 32) & _MASK, block_len, flags]
    for round_index in range(7):
        _g(s, 0, 4, 8, 12, m[0], m[1])
        _g(s, 1, 5, 9, 13, m[2], m[3])
        _g(s, 2, 6, 10, 14, m[4], m[5])
        _g(s, 3, 7, 11, 15, m[6], m[7])
        _g(s, 0, 5, 10, 15, m[8], m[9])
        _g(s, 1, 6, 11, 12, m[10], m[11])
        _g(s, 2, 7, 8, 13, m[12], m[13])
        _g(s, 3, 4, 9, 14, m[14], m[15])
        if round_index < 6:
            m = tuple(m[i] for i in _PERMUTATION)
    for i in range(8):
        s[i] ^= s[i + 8]
        s[i + 8] ^= cv[i]
    return s


class _Output:
    __slots__ = ("cv", "words", "counter", "block_len", "flags")

    def __init__(self, cv: tuple[int, ...], words: tuple[int, ...], counter: int, block_len: int, flags: int):
        self.cv, self.words, self.counter = cv, words, counter
        self.block_len, self.flags = block_len, flags

    def chaining_value(self) -> tuple[int, ...]:
        return tuple(_compress(self.cv, self.words, self.counter, self.block_len, self.flags)[:8])

    def root_digest(self) -> bytes:
        out = _compress(self.cv, self.words, 0, self.block_len, self.flags | _ROOT)
        return _WORDS.pack(*out)[:32]


class _Chunk:
    __slots__ = ("cv", "counter", "block", "blocks_done")

    def __init__(self, cv: tuple[int, ...], counter: int):
        self.cv, self.counter = cv, counter
        self.block = bytearray()
        self.blocks_done = 0

    def __len__(self) -> int:
        return self.blocks_done * _BLOCK_LEN + len(self.block)

    def _start_flag(self) -> int:
        return _CHUNK_START if self.blocks_done == 0 else 0

    def update(self, data: memoryview) -> None:
        while data:
            if len(self.block) == _BLOCK_LEN:
                words = _WORDS.unpack(self.block)
                self.cv = tuple(_compress(self.cv, words, self.counter, _BLOCK_LEN, self._start_flag())[:8])
                self.blocks_done += 1
                self.block.clear()
            take = _BLOCK_LEN - len(self.block)
            self.block += data[:take]
            data = data[take:]

    def output(self) -> _Output:
        words = _WORDS.unpack(bytes(self.block).ljust(_BLOCK_LEN, b"\0"))
        return _Output(self.cv, words, self.counter, len(self.block), self._start_flag() | _CHUNK_END)


def _parent(left: tuple[int, ...], right: tuple[int, ...]) -> _Output:
    return _Output(_IV, left + right, 0, _BLOCK_LEN, _PARENT)


class Blake3:
    """Incremental BLAKE3 (default hash mode, 32-byte output), shaped like ``blake3.blake3``."""

    name = "blake3"
    digest_size = 32

    def __init__(self, data: bytes = b"") -> None:
        self._chunk = _Chunk(_IV, 0)
        self._stack: list[tuple[int, ...]] = []
        if data:
            self.update(data)

    def update(self, data: bytes | bytearray | memoryview) -> Blake3:
        view = memoryview(data).cast("B")
        while view:
            if len(self._chunk) == _CHUNK_LEN:
                cv = self._chunk.output().chaining_value()
                total = self._chunk.counter + 1
                while total & 1 == 0:
                    cv = _parent(self._stack.pop(), cv).chaining_value()
                    total >>= 1
                self._stack.append(cv)
                self._chunk = _Chunk(_IV, self._chunk.counter + 1)
            take = _CHUNK_LEN - len(self._chunk)
            self._chunk.update(view[:take])
            view = view[take:]
        return self

    def digest(self) -> bytes:
        output = self._chunk.output()
        for cv in reversed(self._stack):
            output = _parent(cv, output.chaining_value())
        return output.root_digest()

    def hexdigest(self) -> str:
        return self.digest().hex()
