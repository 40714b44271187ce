//! blake3 of a large file through a memory map, made safe against truncation (Linux).
//!
//! Hashing a mapped file avoids copying it out of the page cache, which is what keeps a
//! parallel blake3 at the speed of hashing memory. The danger of a map is another process
//! cutting the file short: touching a page past the new end raises SIGBUS, whose default
//! action kills the interpreter. A process-wide SIGBUS handler turns that into a flag:
//! when the faulting address lies inside a map registered here, the handler puts
//! anonymous zero pages over the rest of that map, marks it, and lets the read go on.
//! The digest of a marked map is thrown away and the caller reports the file as changed.
//! Any other SIGBUS goes on to the handler that was there before ours.
//!
//! The map is used only while our handler is the installed one; if anybody replaced it
//! (`signal.signal`, `faulthandler.enable` after us, another library), callers read the
//! file with `pread` instead, as they also do when no slot is free or mapping fails.

use std::ffi::c_void;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::OnceLock;

/// What hashing a file through a map gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Mapped {
    Digest(String),
    /// The file shrank while mapped: pages past its end were read as zeros.
    Truncated,
    /// No map was made (no free slot, handler not ours, mmap refused): read it otherwise.
    Unavailable,
}

/// The blake3 digest of the first `len` bytes of `file`, hashed on every core from a map.
pub fn blake3_mapped(file: &File, len: u64) -> Mapped {
    blake3_mapped_then(file, len, || {})
}

/// [`blake3_mapped`] with `after_mapping` run between mapping and hashing (a test hook).
fn blake3_mapped_then(file: &File, len: u64, after_mapping: impl FnOnce()) -> Mapped {
    let Ok(len) = usize::try_from(len) else {
        return Mapped::Unavailable;
    };
    if len == 0 || !guard_installed() {
        return Mapped::Unavailable;
    }
    let Some(map) = FileMap::new(file, len) else {
        return Mapped::Unavailable;
    };
    let Some(slot) = Registration::new(&map) else {
        return Mapped::Unavailable;
    };
    after_mapping();
    let mut hasher = blake3::Hasher::new();
    hasher.update_rayon(map.bytes());
    let truncated = slot.faulted();
    drop(slot);
    drop(map);
    if truncated {
        Mapped::Truncated
    } else {
        Mapped::Digest(hasher.finalize().to_hex().to_string())
    }
}

/// A read-only shared map of a file's first `len` bytes, unmapped on drop.
struct FileMap {
    start: *mut c_void,
    len: usize,
}

impl FileMap {
    fn new(file: &File, len: usize) -> Option<Self> {
        // SAFETY: a fresh mapping at an address the kernel chooses (no MAP_FIXED), so no
        // existing memory is affected; `fd` is open for the call and the map keeps its
        // own reference to the file.
        let start = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        (start != libc::MAP_FAILED).then_some(Self { start, len })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `start..start + len` is a readable mapping owned by `self` until drop,
        // and `len` fits the address space (mmap accepted it). Two ways it can stop being
        // plain memory: another process writes the file, so the bytes change while read
        // -- the hasher takes every byte once as opaque input, so changing bytes give a
        // meaningless digest, never undefined behaviour in our code (the contract of
        // memmap2's `Mmap` and blake3's `update_mmap`); or the file is truncated, so
        // reads past its end fault -- the registered guard replaces those pages with
        // zeros before the read resumes, and the digest is discarded.
        unsafe { std::slice::from_raw_parts(self.start.cast::<u8>(), self.len) }
    }
}

impl Drop for FileMap {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `new` (with whatever zero pages the
        // guard put over part of it); no slice from `bytes` outlives `self`.
        unsafe {
            libc::munmap(self.start, self.len);
        }
    }
}

/// One registered map: the handler reads `start..end` of every slot. `seq` is odd while
/// a slot is rewritten, so the handler never acts on a torn pair.
struct Slot {
    claimed: AtomicBool,
    seq: AtomicUsize,
    start: AtomicUsize,
    end: AtomicUsize,
    faulted: AtomicBool,
}

const SLOTS: usize = 16;
#[allow(clippy::declare_interior_mutable_const)]
const FREE: Slot = Slot {
    claimed: AtomicBool::new(false),
    seq: AtomicUsize::new(0),
    start: AtomicUsize::new(0),
    end: AtomicUsize::new(0),
    faulted: AtomicBool::new(false),
};
static REGISTRY: [Slot; SLOTS] = [FREE; SLOTS];
static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// A claimed slot describing a live [`FileMap`]; dropped before the map is unmapped.
struct Registration {
    slot: &'static Slot,
}

impl Registration {
    fn new(map: &FileMap) -> Option<Self> {
        let page = PAGE_SIZE.load(SeqCst);
        let start = map.start as usize;
        let end = start.checked_add(map.len.div_ceil(page).checked_mul(page)?)?;
        let slot = REGISTRY.iter().find(|s| {
            s.claimed
                .compare_exchange(false, true, SeqCst, SeqCst)
                .is_ok()
        })?;
        slot.seq.fetch_add(1, SeqCst);
        slot.start.store(start, SeqCst);
        slot.end.store(end, SeqCst);
        slot.faulted.store(false, SeqCst);
        slot.seq.fetch_add(1, SeqCst);
        Some(Self { slot })
    }

    fn faulted(&self) -> bool {
        self.slot.faulted.load(SeqCst)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let slot = self.slot;
        slot.seq.fetch_add(1, SeqCst);
        slot.start.store(0, SeqCst);
        slot.end.store(0, SeqCst);
        slot.seq.fetch_add(1, SeqCst);
        slot.claimed.store(false, SeqCst);
    }
}

/// The SIGBUS disposition found when ours was installed, to pass other faults on to.
static PREVIOUS: OnceLock<libc::sigaction> = OnceLock::new();

/// Installs the handler once; then answers whether it is still the installed one.
fn guard_installed() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(install) && current_handler() == Some(handler_address())
}

/// `on_sigbus` as the integer `sigaction` stores.
fn handler_address() -> libc::sighandler_t {
    let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut c_void) = on_sigbus;
    handler as *const () as libc::sighandler_t
}

fn current_handler() -> Option<libc::sighandler_t> {
    let mut current = std::mem::MaybeUninit::<libc::sigaction>::uninit();
    // SAFETY: a null new action only queries; `current` is writable memory of the type.
    if unsafe { libc::sigaction(libc::SIGBUS, std::ptr::null(), current.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: sigaction succeeded, so it filled in `current`.
    Some(unsafe { current.assume_init() }.sa_sigaction)
}

fn install() -> bool {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let Ok(page) = usize::try_from(page) else {
        return false;
    };
    if !page.is_power_of_two() {
        return false;
    }
    PAGE_SIZE.store(page, SeqCst);
    let mut previous = std::mem::MaybeUninit::<libc::sigaction>::uninit();
    // SAFETY: query only, as in `current_handler`.
    if unsafe { libc::sigaction(libc::SIGBUS, std::ptr::null(), previous.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: filled in by the successful call above.
    let previous = unsafe { previous.assume_init() };
    // Stored before ours is installed, so the handler always finds it.
    if PREVIOUS.set(previous).is_err() {
        return false;
    }
    // SAFETY: an all-zero sigaction is valid (empty mask, no flags); the fields that
    // matter are then set. `on_sigbus` has the three-argument signature SA_SIGINFO needs.
    let mut ours: libc::sigaction = unsafe { std::mem::zeroed() };
    ours.sa_sigaction = handler_address();
    ours.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_RESTART;
    // SAFETY: `ours` is a fully initialised action; the old one is not needed (stored).
    unsafe { libc::sigaction(libc::SIGBUS, &ours, std::ptr::null_mut()) == 0 }
}

/// The SIGBUS handler. Only async-signal-safe work: atomic loads and stores, `mmap`,
/// `sigaction` and `raise` (plain system calls), and errno saved and restored.
extern "C" fn on_sigbus(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    // SAFETY: errno is thread-local; its address is valid for the thread's life.
    let errno = unsafe { libc::__errno_location() };
    // SAFETY: as above.
    let saved_errno = unsafe { *errno };
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler; si_addr is
    // meaningful for kernel-raised SIGBUS (si_code > 0), which is all we act on.
    let handled = !info.is_null()
        && unsafe { (*info).si_code } > 0
        && zero_fill_registered(unsafe { (*info).si_addr() } as usize);
    if !handled {
        pass_on(signal, info, context);
    }
    // SAFETY: as above.
    unsafe { *errno = saved_errno };
}

/// If `address` lies in a registered map, puts zero pages over the map from that page
/// to its end and marks the slot; true when it did.
fn zero_fill_registered(address: usize) -> bool {
    let page = PAGE_SIZE.load(SeqCst);
    for slot in &REGISTRY {
        let before = slot.seq.load(SeqCst);
        if before % 2 == 1 {
            continue;
        }
        let (start, end) = (slot.start.load(SeqCst), slot.end.load(SeqCst));
        if slot.seq.load(SeqCst) != before || start == 0 || !(start..end).contains(&address) {
            continue;
        }
        let from = address & !(page - 1);
        // SAFETY: `from..end` lies inside a map this module made and still owns: a slot
        // is registered after the map exists and unregistered before it is unmapped, and
        // the seq check shows this registration was live after the fault happened; the
        // faulting thread is one of ours hashing it, so the map cannot be unmapped until
        // this handler returns. MAP_FIXED replaces only those pages, which lie past the
        // file's end, with private zero pages; nothing else refers to them.
        let zeros = unsafe {
            libc::mmap(
                from as *mut c_void,
                end - from,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if zeros == libc::MAP_FAILED {
            return false;
        }
        slot.faulted.store(true, SeqCst);
        return true;
    }
    false
}

/// Hands a SIGBUS that is not ours to the disposition that was there before.
fn pass_on(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    let previous = PREVIOUS.get().copied();
    match previous {
        Some(p) if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN => {
            if p.sa_flags & libc::SA_SIGINFO != 0 {
                // SAFETY: the previous owner installed this value as an SA_SIGINFO
                // handler, so it is a function of exactly this signature.
                let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut c_void) =
                    unsafe { std::mem::transmute(p.sa_sigaction) };
                handler(signal, info, context);
            } else {
                // SAFETY: installed without SA_SIGINFO, so it is a one-argument handler.
                let handler: extern "C" fn(libc::c_int) =
                    unsafe { std::mem::transmute(p.sa_sigaction) };
                handler(signal);
            }
        }
        _ => {
            // The default action (or an ignored fault, which the kernel would not honour):
            // restore it and let the fault happen again, or re-raise a sent signal.
            // SAFETY: an all-zero sigaction with SIG_DFL (0) is the default disposition.
            let default: libc::sigaction = unsafe { std::mem::zeroed() };
            // SAFETY: sigaction and raise are async-signal-safe system calls.
            unsafe {
                libc::sigaction(signal, &default, std::ptr::null_mut());
                if info.is_null() || (*info).si_code <= 0 {
                    libc::raise(signal);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_of(dir: &std::path::Path, data: &[u8]) -> (std::path::PathBuf, File) {
        let path = dir.join("mapped.bin");
        File::create(&path).unwrap().write_all(data).unwrap();
        let file = File::open(&path).unwrap();
        (path, file)
    }

    #[test]
    fn a_mapped_file_has_the_reference_digest() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..5_000_003u32).map(|i| (i * 7 + i / 251) as u8).collect();
        let (_, file) = file_of(dir.path(), &data);
        let expected = blake3::hash(&data).to_hex().to_string();
        assert_eq!(
            blake3_mapped(&file, data.len() as u64),
            Mapped::Digest(expected)
        );
    }

    #[test]
    fn a_file_cut_short_after_mapping_is_truncated_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let data = vec![5u8; 9 * 1024 * 1024 + 17];
        let (path, file) = file_of(dir.path(), &data);
        let cut = || {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(1024 * 1024 + 3)
                .unwrap()
        };
        assert_eq!(
            blake3_mapped_then(&file, data.len() as u64, cut),
            Mapped::Truncated
        );
        // the slot is free again and the guard still works for the next file
        let whole = vec![6u8; 3 * 1024 * 1024];
        let (_, again) = file_of(dir.path(), &whole);
        let expected = blake3::hash(&whole).to_hex().to_string();
        assert_eq!(
            blake3_mapped(&again, whole.len() as u64),
            Mapped::Digest(expected)
        );
    }

    #[test]
    fn a_file_emptied_after_mapping_is_truncated() {
        let dir = tempfile::tempdir().unwrap();
        let data = vec![1u8; 2 * 1024 * 1024];
        let (path, file) = file_of(dir.path(), &data);
        let empty = || {
            File::create(&path).unwrap();
        };
        assert_eq!(
            blake3_mapped_then(&file, data.len() as u64, empty),
            Mapped::Truncated
        );
    }
}
