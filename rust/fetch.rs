//! Repodata fetching: decompressing a downloaded `repodata.json.zst`.
//!
//! The body is streamed from file to file in fixed-size blocks, so memory stays
//! constant however large the index. Input that is not complete zstd data (bad
//! magic, a damaged block, a frame cut short, trailing garbage) is reported as
//! `Corrupt`, never a panic, and the partial output is removed.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Output block size: large enough to amortise syscalls on a 300 MB index.
const BLOCK: usize = 1024 * 1024;

/// What the Python layer reports for a frame that stops before its end.
pub const TRUNCATED: &str = "truncated: the data ends inside a zstd frame";

#[derive(Debug)]
pub enum FetchError {
    /// Reading `src` or writing `dst` failed; `path` is the file concerned.
    Io { path: PathBuf, source: io::Error },
    /// `path` is not (complete) zstd data.
    Corrupt { path: PathBuf, reason: String },
}

impl FetchError {
    fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    fn corrupt(path: &Path, reason: impl Into<String>) -> Self {
        Self::Corrupt {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// The source file, remembering its own read error so that a failing disk is
/// not mistaken for corrupt data once the decoder has wrapped the error.
struct Source {
    file: File,
    error: Option<io::Error>,
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.file.read(buf) {
            Err(err) if err.kind() != io::ErrorKind::Interrupted => {
                let kind = err.kind();
                self.error = Some(err);
                Err(io::Error::new(kind, "reading the compressed file failed"))
            }
            other => other,
        }
    }
}

/// Decompresses the zstd file `src` into `dst` (created or truncated); returns
/// the number of bytes written. Consecutive frames are concatenated, as zstd
/// defines. On any error `dst` is removed.
pub fn decompress_zst(src: &Path, dst: &Path) -> Result<u64, FetchError> {
    let result = decompress_into(src, dst);
    if result.is_err() {
        let _ = fs::remove_file(dst);
    }
    result
}

fn decompress_into(src: &Path, dst: &Path) -> Result<u64, FetchError> {
    let file = File::open(src).map_err(|e| FetchError::io(src, e))?;
    let size = file.metadata().map_err(|e| FetchError::io(src, e))?.len();
    if size == 0 {
        return Err(FetchError::corrupt(src, "empty file (no zstd frame)"));
    }
    let source = Source { file, error: None };
    let mut decoder =
        zstd::stream::read::Decoder::new(source).map_err(|e| FetchError::io(src, e))?;
    let out = File::create(dst).map_err(|e| FetchError::io(dst, e))?;
    let mut writer = BufWriter::with_capacity(BLOCK, out);
    let mut buf = vec![0u8; BLOCK];
    let mut written: u64 = 0;
    loop {
        let n = match decoder.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => {
                if let Some(original) = decoder.get_mut().get_mut().error.take() {
                    return Err(FetchError::io(src, original));
                }
                let reason = if err.kind() == io::ErrorKind::UnexpectedEof {
                    TRUNCATED.to_owned()
                } else {
                    err.to_string()
                };
                return Err(FetchError::corrupt(src, reason));
            }
        };
        writer
            .write_all(&buf[..n])
            .map_err(|e| FetchError::io(dst, e))?;
        written += n as u64;
    }
    writer.flush().map_err(|e| FetchError::io(dst, e))?;
    Ok(written)
}

pub mod python {
    use std::path::PathBuf;

    use pyo3::prelude::*;

    use super::FetchError;
    use crate::errors;

    /// Decompresses the zstd file `src` into `dst`; returns the bytes written.
    #[pyfunction]
    pub fn decompress_zst(py: Python<'_>, src: PathBuf, dst: PathBuf) -> PyResult<u64> {
        py.detach(|| super::decompress_zst(&src, &dst))
            .map_err(|err| match err {
                FetchError::Io { path, source } => errors::path_io_error(py, &path, &source),
                FetchError::Corrupt { path, reason } => errors::zstd_corrupt(py, &path, &reason),
            })
    }

    /// Whether this backend can decompress `.zst` bodies: the kernel is built in.
    #[pyfunction]
    pub fn zst_supported() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compress(data: &[u8]) -> Vec<u8> {
        zstd::stream::encode_all(data, 3).unwrap()
    }

    fn setup(name: &str, data: &[u8]) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join(name);
        fs::write(&src, data).unwrap();
        let dst = dir.path().join("out.json");
        (dir, src, dst)
    }

    fn sample() -> Vec<u8> {
        let mut data = Vec::new();
        for i in 0..50_000 {
            data.extend_from_slice(
                format!("{{\"name\": \"pkg{i}\", \"version\": \"1.{i}\"}},").as_bytes(),
            );
        }
        data
    }

    #[test]
    fn round_trip_writes_every_byte() {
        let data = sample();
        let (_dir, src, dst) = setup("r.json.zst", &compress(&data));
        let written = decompress_zst(&src, &dst).unwrap();
        assert_eq!(written, data.len() as u64);
        assert_eq!(fs::read(&dst).unwrap(), data);
    }

    #[test]
    fn consecutive_frames_are_concatenated() {
        let mut both = compress(b"{\"a\":");
        both.extend(compress(b"1}"));
        let (_dir, src, dst) = setup("two.zst", &both);
        assert_eq!(decompress_zst(&src, &dst).unwrap(), 7);
        assert_eq!(fs::read(&dst).unwrap(), b"{\"a\":1}");
    }

    #[test]
    fn truncated_frame_is_corrupt_and_leaves_no_output() {
        let packed = compress(&sample());
        let (_dir, src, dst) = setup("cut.zst", &packed[..packed.len() / 2]);
        match decompress_zst(&src, &dst) {
            Err(FetchError::Corrupt { path, reason }) => {
                assert_eq!(path, src);
                assert_eq!(reason, TRUNCATED);
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert!(!dst.exists());
    }

    #[test]
    fn garbage_is_corrupt() {
        let (_dir, src, dst) = setup("bad.zst", b"<html>not zstd</html>");
        assert!(matches!(
            decompress_zst(&src, &dst),
            Err(FetchError::Corrupt { .. })
        ));
        assert!(!dst.exists());
    }

    #[test]
    fn trailing_garbage_after_a_frame_is_corrupt() {
        let mut packed = compress(b"{}");
        packed.extend_from_slice(b"junk");
        let (_dir, src, dst) = setup("tail.zst", &packed);
        assert!(matches!(
            decompress_zst(&src, &dst),
            Err(FetchError::Corrupt { .. })
        ));
    }

    #[test]
    fn damaged_block_is_corrupt() {
        let mut packed = compress(&sample());
        let middle = packed.len() / 2;
        for byte in &mut packed[middle..middle + 64] {
            *byte ^= 0xA5;
        }
        let (_dir, src, dst) = setup("flip.zst", &packed);
        assert!(matches!(
            decompress_zst(&src, &dst),
            Err(FetchError::Corrupt { .. })
        ));
    }

    #[test]
    fn empty_file_is_corrupt() {
        let (_dir, src, dst) = setup("empty.zst", b"");
        assert!(matches!(
            decompress_zst(&src, &dst),
            Err(FetchError::Corrupt { .. })
        ));
    }

    #[test]
    fn missing_source_is_an_io_error_on_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("absent.zst");
        match decompress_zst(&src, &dir.path().join("out")) {
            Err(FetchError::Io { path, source }) => {
                assert_eq!(path, src);
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("expected Io, got {other:?}"),
        }
    }

    #[test]
    fn unwritable_destination_is_an_io_error_on_the_destination() {
        let (dir, src, _) = setup("ok.zst", &compress(b"{}"));
        let dst = dir.path().join("no-such-dir").join("out.json");
        match decompress_zst(&src, &dst) {
            Err(FetchError::Io { path, .. }) => assert_eq!(path, dst),
            other => panic!("expected Io, got {other:?}"),
        }
    }
}
