//! File digests: md5, sha256 and blake3, one file or many in parallel.
//!
//! Files are streamed in fixed-size blocks, so memory stays constant whatever
//! the file size. Several digests of one file are computed in a single pass.
//! A large file hashed with blake3 alone is hashed on every core instead: from a
//! memory map guarded against truncation on Linux (see [`mapped`]), else read in
//! parallel, one subtree of the blake3 tree per task (see [`blake3_tree`]).

#[cfg(target_os = "linux")]
mod mapped;
mod md5;

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use blake3::hazmat::{self, ChainingValue, HasherExt, Mode};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use self::md5::Md5;

/// Block size for md5/sha256: large enough to amortise syscalls, small
/// enough to stay in cache while the digest runs over it.
const BLOCK: usize = 1024 * 1024;
/// blake3 spreads one block over every core, which pays off only on large blocks.
const BLAKE3_BLOCK: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Sha256,
    Blake3,
}

impl Algorithm {
    pub const NAMES: [&'static str; 3] = ["md5", "sha256", "blake3"];

    /// Parses a lower-case algorithm name; the Python layer lower-cases first.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "md5" => Some(Self::Md5),
            "sha256" => Some(Self::Sha256),
            "blake3" => Some(Self::Blake3),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub enum HashError {
    /// An I/O failure on `path`.
    Io {
        path: PathBuf,
        source: io::Error,
    },
    /// `path` exists but is not a regular file (a FIFO or device could block or never end).
    NotRegularFile {
        path: PathBuf,
    },
    UnknownAlgorithm(String),
    /// `path` became shorter than it was when opened, or longer while it was read in
    /// parallel: another process is writing it.
    Changed {
        path: PathBuf,
    },
}

/// The text of [`HashError::Changed`]; the pure-Python kernel raises the same.
pub const CHANGED_MESSAGE: &str = "file changed size while it was hashed";

impl HashError {
    fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

enum Hasher {
    Md5(Md5),
    Sha256(Sha256),
    Blake3(Box<blake3::Hasher>),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Md5 => Self::Md5(Md5::new()),
            Algorithm::Sha256 => Self::Sha256(Sha256::new()),
            Algorithm::Blake3 => Self::Blake3(Box::new(blake3::Hasher::new())),
        }
    }

    fn update(&mut self, data: &[u8], parallel: bool) {
        match self {
            Self::Md5(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Blake3(h) if parallel => {
                h.update_rayon(data);
            }
            Self::Blake3(h) => {
                h.update(data);
            }
        }
    }

    fn finish_hex(self) -> String {
        match self {
            Self::Md5(h) => hex::encode(h.finalize()),
            Self::Sha256(h) => hex::encode(h.finalize()),
            Self::Blake3(h) => h.finalize().to_hex().to_string(),
        }
    }
}

/// Opens `path` for hashing, refusing directories and non-regular files up front.
fn open_regular(path: &Path) -> Result<(File, u64), HashError> {
    let mut options = OpenOptions::new();
    options.read(true);
    // O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it;
    // reads from regular files ignore the flag.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| HashError::io(path, e))?;
    let meta = file.metadata().map_err(|e| HashError::io(path, e))?;
    if meta.is_dir() {
        return Err(HashError::io(path, io::Error::from_raw_os_error(EISDIR)));
    }
    if !meta.is_file() {
        return Err(HashError::NotRegularFile {
            path: path.to_path_buf(),
        });
    }
    Ok((file, meta.len()))
}

#[cfg(unix)]
const EISDIR: i32 = 21;
// Windows has no EISDIR in GetLastError space; ERROR_DIRECTORY_NOT_SUPPORTED (336)
// is the closest code, and the Python layer maps it to IsADirectoryError.
#[cfg(not(unix))]
const EISDIR: i32 = 336;

fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Files at least this large are read on a second thread while the digests run,
/// so the copy out of the page cache overlaps with hashing.
const PIPELINE_MIN: u64 = 4 * 1024 * 1024;
const PIPELINE_BUFFERS: usize = 3;

/// Feeds `file` to `consume` block by block, reading on the calling thread.
fn stream_inline(file: &mut File, block: usize, mut consume: impl FnMut(&[u8])) -> io::Result<()> {
    let mut buf = vec![0u8; block];
    loop {
        let n = read_full(file, &mut buf)?;
        if n > 0 {
            consume(&buf[..n]);
        }
        if n < buf.len() {
            return Ok(());
        }
    }
}

/// Files at least this large are hashed with blake3 by [`blake3_tree`] when it may use
/// every core. Measured on 2 cores: from 128 KiB on, two halves read and hashed at once
/// beat one read-then-hash pass (37 against 55 us at 256 KiB); below, the two are equal.
const BLAKE3_TREE_MIN: u64 = 128 * 1024;
/// The largest subtree one task reads and hashes: its buffer stays in the core's L2 cache,
/// so blake3 reads what `pread` has just written there (128 KiB to 4 MiB measure the same).
const BLAKE3_LEAF: u64 = 128 * 1024;
const LEAF_BYTES: usize = BLAKE3_LEAF as usize; // 128 KiB fits every target's usize
/// From this size on (Linux), blake3 reads a guarded memory map rather than copies. Measured
/// on 2 cores: 4 MiB 378 against 419 us, 256 MiB 32 against 40 ms; at 1 MiB the copy wins
/// (105 against 126 us), as mapping and unmapping cost more than the copy saves.
#[cfg(target_os = "linux")]
const BLAKE3_MAP_MIN: u64 = 4 * 1024 * 1024;

thread_local! {
    /// One leaf buffer per rayon worker, kept for the thread's life.
    static LEAF_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The blake3 digest of the first `len` bytes of `file`, read with `pread` in parallel.
///
/// blake3 is a tree of 1 KiB chunks; [`hazmat`] lets each subtree be hashed on its own
/// and the chaining values be merged, so the file is split the way blake3 splits it and
/// every leaf is read by the task that hashes it. A file cut short meanwhile makes
/// `pread` return short, which becomes [`HashError::Changed`]. Used where no guarded map
/// is made: small files (below [`BLAKE3_MAP_MIN`] the copy is cheaper than mapping and
/// unmapping), other systems, and when the map's SIGBUS guard is not in place.
fn blake3_tree(file: &File, len: u64) -> io::Result<String> {
    debug_assert!(len > blake3::CHUNK_LEN as u64);
    let left = hazmat::left_subtree_len(len);
    let (a, b) = rayon::join(
        || blake3_subtree(file, 0, left),
        || blake3_subtree(file, left, len - left),
    );
    Ok(hazmat::merge_subtrees_root(&a?, &b?, Mode::Hash)
        .to_hex()
        .to_string())
}

/// blake3 of a file of at least [`BLAKE3_TREE_MIN`] bytes on every core; a file that
/// shrinks meanwhile is an `UnexpectedEof` error, whichever way it is read.
fn blake3_large(file: &File, len: u64) -> io::Result<String> {
    #[cfg(target_os = "linux")]
    if len >= BLAKE3_MAP_MIN {
        match mapped::blake3_mapped(file, len) {
            mapped::Mapped::Digest(digest) => return Ok(digest),
            // A fault with the file still whole is a failed read (an I/O error on a network
            // or FUSE file): `pread` then reports the real error.
            mapped::Mapped::Truncated if file.metadata()?.len() < len => {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            mapped::Mapped::Truncated | mapped::Mapped::Unavailable => {}
        }
    }
    blake3_tree(file, len)
}

/// The chaining value of the non-root subtree `offset..offset + len`, which starts on a
/// multiple of its power-of-two size (the split of [`hazmat::left_subtree_len`]).
fn blake3_subtree(file: &File, offset: u64, len: u64) -> io::Result<ChainingValue> {
    if len > BLAKE3_LEAF {
        let left = hazmat::left_subtree_len(len);
        let (a, b) = rayon::join(
            || blake3_subtree(file, offset, left),
            || blake3_subtree(file, offset + left, len - left),
        );
        return Ok(hazmat::merge_subtrees_non_root(&a?, &b?, Mode::Hash));
    }
    LEAF_BUFFER.with(|cell| {
        let mut buffer = cell.borrow_mut();
        buffer.resize(LEAF_BYTES, 0);
        // len <= BLAKE3_LEAF, the buffer's size, so it fits a usize on every target.
        let leaf = &mut buffer[..usize::try_from(len).map_or(LEAF_BYTES, |n| n.min(LEAF_BYTES))];
        read_exact_at(file, leaf, offset)?;
        let mut hasher = blake3::Hasher::new();
        hasher.set_input_offset(offset);
        hasher.update(leaf);
        Ok(hasher.finalize_non_root())
    })
}

/// Fills `buf` from `offset`; a file too short for it is an `UnexpectedEof` error.
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Feeds `file` to `consume` block by block, reading ahead on a scoped thread.
fn stream_pipelined(
    file: &mut File,
    block: usize,
    mut consume: impl FnMut(&[u8]),
) -> io::Result<()> {
    let (full_tx, full_rx) = sync_channel::<(Vec<u8>, usize)>(PIPELINE_BUFFERS);
    let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(PIPELINE_BUFFERS);
    for _ in 0..PIPELINE_BUFFERS {
        // Cannot fail: the receiver is alive and the channel has room for every buffer.
        let _ = empty_tx.send(vec![0u8; block]);
    }
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> io::Result<()> {
            while let Ok(mut buf) = empty_rx.recv() {
                let n = read_full(file, &mut buf)?;
                let last = n < buf.len();
                if n > 0 && full_tx.send((buf, n)).is_err() {
                    return Ok(());
                }
                if last {
                    return Ok(());
                }
            }
            Ok(())
        });
        for (buf, n) in full_rx {
            consume(&buf[..n]);
            let _ = empty_tx.send(buf);
        }
        drop(empty_tx);
        reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("file reader thread panicked")))
    })
}

/// Computes one hex digest per algorithm over the bytes of `path`, in one pass.
///
/// `parallel` lets the work use more than one core: blake3 on every core for large
/// files, otherwise reading ahead on a second thread. Many-file callers turn it off
/// because they already hash one file per core.
pub fn file_digests(
    path: &Path,
    algorithms: &[Algorithm],
    parallel: bool,
) -> Result<Vec<String>, HashError> {
    let (mut file, len) = open_regular(path)?;
    #[cfg(any(unix, windows))]
    if parallel && algorithms == [Algorithm::Blake3] && len >= BLAKE3_TREE_MIN {
        let digest = blake3_large(&file, len).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => HashError::Changed {
                path: path.to_path_buf(),
            },
            _ => HashError::io(path, e),
        })?;
        // Bytes past `len` were not hashed: a file that grew meanwhile has no digest either.
        let now = file.metadata().map_err(|e| HashError::io(path, e))?.len();
        if now != len {
            return Err(HashError::Changed {
                path: path.to_path_buf(),
            });
        }
        return Ok(vec![digest]);
    }
    let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| Hasher::new(*a)).collect();
    let wants_blake3 = algorithms.contains(&Algorithm::Blake3);
    let blake3_rayon = parallel && wants_blake3 && len >= BLAKE3_BLOCK as u64;
    let block = if blake3_rayon { BLAKE3_BLOCK } else { BLOCK };
    // a file larger than the address space (32-bit targets) just gets the full block
    let block = block.min(usize::try_from(len.max(1)).map_or(usize::MAX, |n| n.saturating_add(1)));
    let mut seen: u64 = 0;
    let consume = |data: &[u8]| {
        seen += data.len() as u64;
        for hasher in &mut hashers {
            hasher.update(data, blake3_rayon);
        }
    };
    let streamed = if parallel && !blake3_rayon && len >= PIPELINE_MIN {
        stream_pipelined(&mut file, block, consume)
    } else {
        stream_inline(&mut file, block, consume)
    };
    streamed.map_err(|e| HashError::io(path, e))?;
    // A file may grow while it is streamed (its digest then covers what was read), but
    // one that ends before the size it had when opened is being rewritten.
    if seen < len {
        return Err(HashError::Changed {
            path: path.to_path_buf(),
        });
    }
    Ok(hashers.into_iter().map(Hasher::finish_hex).collect())
}

/// Hashes every path with `algorithm` on the rayon pool, preserving order.
///
/// Every file is attempted; on failure the error of the first failing path, in
/// input order, is returned, so the outcome does not depend on scheduling.
pub fn many_file_digests(
    paths: &[PathBuf],
    algorithm: Algorithm,
) -> Result<Vec<String>, HashError> {
    let results: Vec<Result<String, HashError>> = paths
        .par_iter()
        .map(|p| {
            file_digests(p, &[algorithm], false)
                .map(|mut digests| digests.pop().unwrap_or_default())
        })
        .collect();
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
        let path = dir.join(name);
        File::create(&path).unwrap().write_all(data).unwrap();
        path
    }

    const ALL: [Algorithm; 3] = [Algorithm::Md5, Algorithm::Sha256, Algorithm::Blake3];

    #[test]
    fn empty_file_has_the_well_known_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "empty", b"");
        let digests = file_digests(&path, &ALL, true).unwrap();
        assert_eq!(digests[0], "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            digests[1],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            digests[2],
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }

    #[test]
    fn abc_matches_the_published_test_vectors() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "abc", b"abc");
        let digests = file_digests(&path, &ALL, true).unwrap();
        assert_eq!(digests[0], "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            digests[1],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            digests[2],
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
        );
    }

    #[test]
    fn block_boundaries_do_not_change_the_digest() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..(BLAKE3_BLOCK * 2 + 12345))
            .map(|i| (i % 251) as u8)
            .collect();
        let path = write(dir.path(), "big", &data);
        let streamed = file_digests(&path, &ALL, true).unwrap();
        let sequential = file_digests(&path, &ALL, false).unwrap();
        assert_eq!(streamed, sequential);
        let pipelined = file_digests(&path, &[Algorithm::Md5, Algorithm::Sha256], true).unwrap();
        assert_eq!(pipelined[..], streamed[..2]);
        assert_eq!(streamed[1], hex::encode(Sha256::digest(&data)));
        assert_eq!(streamed[2], blake3::hash(&data).to_hex().to_string());
    }

    #[test]
    fn the_parallel_blake3_tree_matches_the_reference() {
        let dir = tempfile::tempdir().unwrap();
        let leaf = BLAKE3_LEAF as usize;
        let sizes = [
            BLAKE3_TREE_MIN as usize - 1,
            BLAKE3_TREE_MIN as usize,
            leaf + 1,
            leaf * 2,
            leaf * 3 + 1023,
            leaf * 8 + 1025,
            5 * 1024 * 1024 + 7,
        ];
        for size in sizes {
            let data: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
            let path = write(dir.path(), "f", &data);
            let expected = blake3::hash(&data).to_hex().to_string();
            assert_eq!(
                file_digests(&path, &[Algorithm::Blake3], true).unwrap(),
                std::slice::from_ref(&expected),
                "size {size}"
            );
            assert_eq!(
                file_digests(&path, &[Algorithm::Blake3], false).unwrap(),
                [expected],
                "size {size}"
            );
        }
    }

    #[test]
    fn a_file_shorter_than_when_opened_is_reported_as_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "f", &vec![1u8; 4 * BLAKE3_LEAF as usize]);
        let (file, len) = open_regular(&path).unwrap();
        OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
        let err = blake3_tree(&file, len).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn missing_file_reports_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        match file_digests(&missing, &[Algorithm::Sha256], true) {
            Err(HashError::Io { path, source }) => {
                assert_eq!(path, missing);
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        match file_digests(dir.path(), &[Algorithm::Md5], true) {
            Err(HashError::Io { source, .. }) => assert_eq!(source.raw_os_error(), Some(EISDIR)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn many_files_keep_order_and_name_the_first_failure() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..50)
            .map(|i| write(dir.path(), &format!("f{i}"), format!("{i}").as_bytes()))
            .collect();
        let digests = many_file_digests(&paths, Algorithm::Md5).unwrap();
        for (i, d) in digests.iter().enumerate() {
            assert_eq!(*d, hex::encode(Md5::digest(format!("{i}").as_bytes())));
        }
        let mut with_missing = paths.clone();
        with_missing.insert(7, dir.path().join("gone-a"));
        with_missing.insert(30, dir.path().join("gone-b"));
        match many_file_digests(&with_missing, Algorithm::Md5) {
            Err(HashError::Io { path, .. }) => assert_eq!(path, dir.path().join("gone-a")),
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Thin PyO3 wrappers: convert arguments, release the GIL, map errors.
pub mod python {
    use std::io;
    use std::path::PathBuf;

    use pyo3::prelude::*;

    use super::{Algorithm, HashError};
    use crate::errors;

    fn to_pyerr(py: Python<'_>, err: HashError) -> PyErr {
        match err {
            HashError::Io { path, source } => errors::path_io_error(py, &path, &source),
            HashError::NotRegularFile { path } => errors::not_regular_file(py, &path),
            HashError::Changed { path } => {
                errors::path_io_error(py, &path, &io::Error::other(super::CHANGED_MESSAGE))
            }
            HashError::UnknownAlgorithm(name) => errors::value_error(format!(
                "unsupported hash algorithm {name:?}; supported: {}",
                Algorithm::NAMES.join(", ")
            )),
        }
    }

    /// Puts `HASH_ALGORITHMS` on the module (tests check it equals `constants.HASH_ALGORITHMS`).
    pub fn add_constants(m: &Bound<'_, pyo3::types::PyModule>) -> PyResult<()> {
        m.add(
            "HASH_ALGORITHMS",
            pyo3::types::PyTuple::new(m.py(), Algorithm::NAMES)?,
        )
    }

    fn parse(name: &str) -> Result<Algorithm, HashError> {
        Algorithm::from_name(name).ok_or_else(|| HashError::UnknownAlgorithm(name.to_owned()))
    }

    /// One hex digest per algorithm name, computed in a single pass over the file.
    #[pyfunction]
    pub fn file_digests(
        py: Python<'_>,
        path: PathBuf,
        algorithms: Vec<String>,
    ) -> PyResult<Vec<String>> {
        let result = algorithms
            .iter()
            .map(|a| parse(a))
            .collect::<Result<Vec<_>, _>>()
            .and_then(|algos| py.detach(|| super::file_digests(&path, &algos, true)));
        result.map_err(|e| to_pyerr(py, e))
    }

    /// The hex digest of each path, hashed in parallel; order preserved.
    #[pyfunction]
    pub fn many_file_digests(
        py: Python<'_>,
        paths: Vec<PathBuf>,
        algorithm: &str,
    ) -> PyResult<Vec<String>> {
        let result =
            parse(algorithm).and_then(|algo| py.detach(|| super::many_file_digests(&paths, algo)));
        result.map_err(|e| to_pyerr(py, e))
    }
}
