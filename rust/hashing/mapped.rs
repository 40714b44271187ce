//! blake3 of a large file through a memory map, made safe against truncation (Linux).
//!
//! Hashing a mapped file avoids copying it out of the page cache, which is what keeps a
//! parallel blake3 at the speed of hashing memory. The danger of a map is another process
//! cutting the file short: touching a page past the new end raises SIGBUS, whose default
//! action kills the interpreter. A process-wide SIGBUS handler turns that into a flag:
//! when a fault (`BUS_ADRERR`) lies inside a map registered here, the handler puts
//! anonymous zero pages over that whole map, marks it, and lets the read go on. The
//! digest of a marked map is thrown away and the caller reports the file as changed.
//! Any other SIGBUS goes on to the disposition that was there before ours.
//!
//! A map is made only while our handler is the installed one; if anybody replaced it
//! (`signal.signal`, `faulthandler.enable` after us, another library), callers read the
//! file with `pread` instead, as they also do when no slot is free or mapping fails.
//! Replacing the SIGBUS handler while a hash is running is not supported: a truncation
//! during that hash then meets the new handler.

use std::ffi::c_void;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::OnceLock;

/// What hashing a file through a map gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Mapped {
    Digest(String),
    /// A read of the map faulted: the file shrank (or, rarely, its storage failed).
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
    // A slice may not exceed isize::MAX bytes (a 32-bit build reading a 3 GiB file).
    let Some(len) = usize::try_from(len)
        .ok()
        .filter(|&n| isize::try_from(n).is_ok())
    else {
        return Mapped::Unavailable;
    };
    if len == 0 || on_hugetlbfs(file) || !guard_installed() {
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

/// hugetlbfs maps in huge pages, which the guard's page-sized arithmetic does not fit.
fn on_hugetlbfs(file: &File) -> bool {
    // SAFETY: an all-zero statfs is a valid value of this plain C struct.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `fs` is writable memory of the right type; the descriptor is open.
    let ok = unsafe { libc::fstatfs(file.as_raw_fd(), &mut fs) } == 0;
    // f_type's width differs between targets; the magic number is 32 bits.
    !ok || fs.f_type as u32 == 0x9584_58f6
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
        // `len <= isize::MAX` (checked before mapping), and no one writes through it in
        // this process. What is not proven, and accepted as memmap2's `Mmap` and blake3's
        // `update_mmap` accept it: another process writing the file changes these bytes
        // while the slice exists, which Rust's model calls undefined behaviour; the hasher
        // reads each byte once as opaque input, so in practice the digest is merely
        // meaningless. A truncation would make reads fault: the guard (installed and
        // ours, checked just before mapping) puts zero pages there and the digest is
        // discarded.
        unsafe { std::slice::from_raw_parts(self.start.cast::<u8>(), self.len) }
    }
}

impl Drop for FileMap {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `new` (with whatever zero pages the
        // guard put over it); no slice from `bytes` outlives `self`.
        let unmapped = unsafe { libc::munmap(self.start, self.len) };
        debug_assert_eq!(unmapped, 0, "munmap of our own map failed");
    }
}

/// One registered map: the handler reads `start..end` of every slot. `seq` is odd while
/// a slot is rewritten, so the handler never acts on a torn pair; `busy` counts handlers
/// inside the slot, which unregistering waits out before the map may be unmapped.
struct Slot {
    claimed: AtomicBool,
    seq: AtomicUsize,
    start: AtomicUsize,
    end: AtomicUsize,
    busy: AtomicUsize,
    faulted: AtomicBool,
}

const SLOTS: usize = 16;
#[allow(clippy::declare_interior_mutable_const)]
const FREE: Slot = Slot {
    claimed: AtomicBool::new(false),
    seq: AtomicUsize::new(0),
    start: AtomicUsize::new(0),
    end: AtomicUsize::new(0),
    busy: AtomicUsize::new(0),
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
        // A handler that read the old range may still be about to map zeros over it.
        while slot.busy.load(SeqCst) != 0 {
            std::hint::spin_loop();
        }
        slot.claimed.store(false, SeqCst);
    }
}

/// The SIGBUS disposition found when ours was installed, to pass other faults on to.
static PREVIOUS: OnceLock<libc::sigaction> = OnceLock::new();

/// Installs the handler once; then answers whether it is still the installed one.
fn guard_installed() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    if !*INSTALLED.get_or_init(install) {
        return false;
    }
    current_action().is_some_and(|now| {
        now.sa_sigaction == handler_address() && now.sa_flags & libc::SA_SIGINFO != 0
    })
}

/// `on_sigbus` as the integer `sigaction` stores.
fn handler_address() -> libc::sighandler_t {
    let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut c_void) = on_sigbus;
    handler as *const () as libc::sighandler_t
}

/// The installed SIGBUS action.
fn current_action() -> Option<libc::sigaction> {
    // SAFETY: an all-zero sigaction is a valid value (glibc copies more mask bytes than
    // the kernel fills, so starting from zeros leaves none uninitialised).
    let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a null new action only queries; `current` is writable memory of the type.
    let ok = unsafe { libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut current) } == 0;
    ok.then_some(current)
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
    // A fault on a thread that blocks SIGBUS kills the process whatever the handler, so
    // the pool threads that will read maps unblock it (it is blocked by default nowhere).
    rayon::broadcast(|_| unblock_sigbus());
    let Some(previous) = current_action() else {
        return false;
    };
    // Stored before ours is installed, so the handler always finds it.
    if PREVIOUS.set(previous).is_err() {
        return false;
    }
    // SAFETY: an all-zero sigaction is valid (empty mask, no flags); the fields that
    // matter are then set. `on_sigbus` has the three-argument signature SA_SIGINFO needs.
    let mut ours: libc::sigaction = unsafe { std::mem::zeroed() };
    ours.sa_sigaction = handler_address();
    // SA_RESTART as the previous action had it, so a sent SIGBUS interrupts system calls
    // as it did before us.
    ours.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | (previous.sa_flags & libc::SA_RESTART);
    // SAFETY: as in `current_action`.
    let mut replaced: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: `ours` is a fully initialised action and `replaced` writable memory.
    if unsafe { libc::sigaction(libc::SIGBUS, &ours, &mut replaced) } != 0 {
        return false;
    }
    if replaced.sa_sigaction != previous.sa_sigaction || replaced.sa_flags != previous.sa_flags {
        // Another thread installed a handler between our query and ours: give it back.
        // SAFETY: `replaced` is the action sigaction just returned.
        unsafe { libc::sigaction(libc::SIGBUS, &replaced, std::ptr::null_mut()) };
        return false;
    }
    true
}

fn unblock_sigbus() {
    // SAFETY: an all-zero sigset_t is a valid set, then emptied and filled by libc.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid sigset_t; these calls only change this thread's mask.
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGBUS);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}

/// The SIGBUS handler. Only async-signal-safe work: atomic loads and stores, `mmap`,
/// `sigaction`, `pthread_sigmask` and `raise` (plain system calls), errno kept.
extern "C" fn on_sigbus(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    // SAFETY: errno is thread-local; its address is valid for the thread's life.
    let errno = unsafe { libc::__errno_location() };
    // SAFETY: as above.
    let saved_errno = unsafe { *errno };
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler; si_addr is
    // the faulting address for a BUS_ADRERR raised by the kernel, all we act on.
    let code = if info.is_null() {
        0
    } else {
        unsafe { (*info).si_code }
    };
    let handled =
        code == libc::BUS_ADRERR && zero_fill_registered(unsafe { (*info).si_addr() } as usize);
    if !handled {
        pass_on(signal, info, context, code);
    }
    // SAFETY: as above.
    unsafe { *errno = saved_errno };
}

/// If `address` lies in a registered map, puts zero pages over that whole map and marks
/// the slot; true when it did.
fn zero_fill_registered(address: usize) -> bool {
    for slot in &REGISTRY {
        slot.busy.fetch_add(1, SeqCst);
        let done = zero_fill_slot(slot, address);
        slot.busy.fetch_sub(1, SeqCst);
        if let Some(done) = done {
            return done;
        }
    }
    false
}

/// `None` when `address` is not in `slot`'s live registration, else whether it filled.
fn zero_fill_slot(slot: &Slot, address: usize) -> Option<bool> {
    let before = slot.seq.load(SeqCst);
    if before % 2 == 1 {
        return None;
    }
    let (start, end) = (slot.start.load(SeqCst), slot.end.load(SeqCst));
    if slot.seq.load(SeqCst) != before || start == 0 || !(start..end).contains(&address) {
        return None;
    }
    // SAFETY: `start..end` is exactly a map this module made and still owns: a slot is
    // registered after its map exists, and unregistering clears the range and then waits
    // for `busy` (raised before the seq check above) to drop to zero before the map may
    // be unmapped, so the map outlives this call. MAP_FIXED swaps its pages for private
    // zero pages in one step (no split of the area, so no new mapping to run out of);
    // only the hashing that owns the map reads them, and it discards the digest.
    let zeros = unsafe {
        libc::mmap(
            start as *mut c_void,
            end - start,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
            -1,
            0,
        )
    };
    if zeros == libc::MAP_FAILED {
        return Some(false);
    }
    slot.faulted.store(true, SeqCst);
    Some(true)
}

/// Whether `code` says SIGBUS came from the faulting instruction, which runs again (and
/// faults again) when the handler returns.
fn is_synchronous_fault(code: libc::c_int) -> bool {
    // BUS_ADRALN, BUS_ADRERR, BUS_OBJERR, BUS_MCEERR_AR; BUS_MCEERR_AO (5) is advisory.
    (1..=4).contains(&code)
}

/// Hands a SIGBUS that is not ours to the disposition that was there before.
fn pass_on(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut c_void,
    code: libc::c_int,
) {
    let previous = PREVIOUS.get().copied();
    match previous {
        Some(p) if p.sa_sigaction == libc::SIG_IGN && !is_synchronous_fault(code) => {}
        Some(p) if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN => {
            if p.sa_flags & libc::SA_RESETHAND != 0 {
                // The handler expects to run once and then find the default in place.
                reset_to_default(signal);
            }
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
            // The default action (or an ignored fault, which the kernel would not honour
            // either): restore it, then let the fault happen again or raise the signal.
            reset_to_default(signal);
            if !is_synchronous_fault(code) {
                // SAFETY: raise is async-signal-safe; the signal stays pending until this
                // handler returns, then the default action applies.
                unsafe { libc::raise(signal) };
            }
        }
    }
}

fn reset_to_default(signal: libc::c_int) {
    // SAFETY: an all-zero sigaction is SIG_DFL with no flags; sigaction is async-signal-safe.
    unsafe {
        let default: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, &default, std::ptr::null_mut());
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
        // every slot is given back: more truncated maps than there are slots
        for round in 0..SLOTS + 4 {
            let (path, file) = file_of(dir.path(), &data);
            let cut = || std::fs::File::create(&path).map(drop).unwrap();
            let outcome = blake3_mapped_then(&file, data.len() as u64, cut);
            assert_eq!(outcome, Mapped::Truncated, "round {round}");
        }
        // the guard still works for the next file
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

    /// A SIGBUS outside our maps must still end the process: the child maps a file of its
    /// own, truncates it and reads past the end, after the guard is installed.
    #[test]
    fn a_fault_outside_our_maps_still_kills() {
        let dir = tempfile::tempdir().unwrap();
        let data = vec![3u8; 64 * 1024];
        let (path, _) = file_of(dir.path(), &data);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .unwrap();
        assert!(guard_installed());
        let foreign = FileMap::new(&file, data.len()).unwrap();
        let target = foreign.start.cast::<u8>().wrapping_add(40_000);
        let fd = file.as_raw_fd();
        // SAFETY (test): after fork the child only makes async-signal-safe calls.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            // SAFETY (test): `target` lies in a live map; reading past the new end faults.
            unsafe {
                let no_core = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &no_core);
                if libc::ftruncate(fd, 0) != 0 {
                    libc::_exit(90);
                }
                let byte = std::ptr::read_volatile(target);
                libc::_exit(i32::from(byte));
            }
        }
        let mut status = 0;
        // SAFETY (test): waits for the child just forked.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(libc::WIFSIGNALED(status), "child exited with {status:#x}");
        assert_eq!(libc::WTERMSIG(status), libc::SIGBUS);
        drop(foreign);
    }
}
