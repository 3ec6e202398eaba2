//! Pieces of plain files mapped into memory, so that the scan reads the page cache where it
//! lies instead of copying every byte into a buffer first (the copy was the largest single
//! cost of a scan after the splitter: see BENCHMARKS.md).
//!
//! A mapping has one hazard a `read` does not: a file cut shorter while it is mapped (rewritten
//! in place by a download, a failing network disk) raises `SIGBUS` on the next touch of a page
//! past its new end, which would end the process without a word. The first mapping installs a
//! handler that says so on stderr, naming the file and the byte it could not read, and exits
//! with the bad-input code instead.

use std::fs::File;
use std::io;

/// A mapped piece of a file, known to the `SIGBUS` handler by its addresses while it lives.
pub struct Map {
    /// Its entry in the handler's table (`None`: the table was full; the handler's message
    /// then names no file). Declared first, so dropped first: the table never names a mapping
    /// that is gone.
    _entry: Option<guard::Entry>,
    map: memmap2::Mmap,
}

impl std::ops::Deref for Map {
    type Target = memmap2::Mmap;

    fn deref(&self) -> &memmap2::Mmap {
        &self.map
    }
}

/// Maps `len` bytes of `file` (named `path` in messages) from `offset`, read only; `Err` where
/// this platform or file cannot be mapped (the caller then reads it).
pub fn map(file: &File, path: &str, offset: u64, len: usize) -> io::Result<Map> {
    if len == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "nothing to map",
        ));
    }
    guard::install()?;
    // SAFETY: the mapping is read only: nothing in this process writes it. Its bytes can still
    // change if another process writes the file meanwhile, as the bytes `read` returns would; a
    // file cut shorter raises SIGBUS, which `guard` turns into an error exit.
    let map = unsafe {
        memmap2::MmapOptions::new()
            .offset(offset)
            .len(len)
            .map(file)?
    };
    // Read once, front to back.
    let _ = map.advise(memmap2::Advice::Sequential);
    let entry = guard::Entry::new(map.as_ptr() as usize, len, path, offset);
    Ok(Map { _entry: entry, map })
}

#[cfg(unix)]
mod guard {
    use std::io;
    use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
    use std::sync::OnceLock;

    /// How many mappings the handler can name at once: one per reading thread is live at a
    /// time, and a mapping past these is still guarded, by the message that names no file.
    const ENTRIES: usize = 64;

    /// A live mapping: its first address (0: a free entry), length, the file's offset there,
    /// and the file's name (`path` bytes, owned by the [`Entry`] that filled it).
    struct Live {
        start: AtomicUsize,
        len: AtomicUsize,
        offset: AtomicU64,
        path: AtomicPtr<u8>,
        path_len: AtomicUsize,
    }

    #[allow(clippy::declare_interior_mutable_const)] // Only to repeat it in `TABLE`.
    const FREE: Live = Live {
        start: AtomicUsize::new(0),
        len: AtomicUsize::new(0),
        offset: AtomicU64::new(0),
        path: AtomicPtr::new(std::ptr::null_mut()),
        path_len: AtomicUsize::new(0),
    };

    /// Read by the handler with atomic loads only: no lock a signal could interrupt.
    static TABLE: [Live; ENTRIES] = [FREE; ENTRIES];

    /// A mapping's place in [`TABLE`], freed when dropped.
    pub struct Entry {
        at: usize,
        _path: Box<[u8]>,
    }

    impl Entry {
        /// Takes a free entry for the mapping at `start`; `None` when all are taken.
        pub fn new(start: usize, len: usize, path: &str, offset: u64) -> Option<Entry> {
            let path: Box<[u8]> = path.as_bytes().into();
            for (at, live) in TABLE.iter().enumerate() {
                // Claimed with an address no mapping has (1), filled, then published.
                if live
                    .start
                    .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Relaxed)
                    .is_err()
                {
                    continue;
                }
                live.len.store(len, Ordering::Relaxed);
                live.offset.store(offset, Ordering::Relaxed);
                live.path.store(path.as_ptr().cast_mut(), Ordering::Relaxed);
                live.path_len.store(path.len(), Ordering::Relaxed);
                live.start.store(start, Ordering::Release);
                return Some(Entry { at, _path: path });
            }
            None
        }
    }

    impl Drop for Entry {
        fn drop(&mut self) {
            TABLE[self.at].start.store(0, Ordering::Release);
        }
    }

    /// Written from the signal handler: fixed bytes, nothing allocated.
    const ERROR: &[u8] = b"billrecon: error: ";
    const UNNAMED: &[u8] = b"an input file";
    const CUT: &[u8] = b": the file was cut shorter, or could not be read from its disk, while \
it was being read (SIGBUS";
    const END: &[u8] = b"); no report was written\n";

    /// `n` in decimal, into the end of `buf`; the digits written.
    fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
        let mut at = buf.len();
        loop {
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                return &buf[at..];
            }
        }
    }

    extern "C" fn on_sigbus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        let write = |bytes: &[u8]| {
            // SAFETY: `write` is async-signal-safe; the bytes are valid for their length.
            unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        };
        // SAFETY: the kernel passes a valid `siginfo_t` to an `SA_SIGINFO` handler; for
        // SIGBUS it holds the faulting address.
        let addr = if info.is_null() {
            0
        } else {
            unsafe { (*info).si_addr() as usize }
        };
        write(ERROR);
        let live = TABLE.iter().find(|l| {
            let start = l.start.load(Ordering::Acquire);
            start > 1 && addr >= start && addr - start < l.len.load(Ordering::Relaxed)
        });
        let mut digits = [0u8; 20];
        match live {
            Some(l) => {
                // SAFETY: the entry names a live mapping (the faulting thread is reading it),
                // whose `Entry` owns these path bytes until it is dropped.
                let path = unsafe {
                    std::slice::from_raw_parts(
                        l.path.load(Ordering::Relaxed),
                        l.path_len.load(Ordering::Relaxed),
                    )
                };
                write(path);
                write(CUT);
                write(b", at byte ");
                let start = l.start.load(Ordering::Relaxed);
                let byte = l.offset.load(Ordering::Relaxed) + (addr - start) as u64;
                write(decimal(byte, &mut digits));
            }
            None => {
                write(UNNAMED);
                write(CUT);
            }
        }
        write(END);
        // SAFETY: `_exit` is async-signal-safe.
        unsafe { libc::_exit(2) };
    }

    pub fn install() -> io::Result<()> {
        static INSTALLED: OnceLock<bool> = OnceLock::new();
        let ok = *INSTALLED.get_or_init(|| {
            // SAFETY: a zeroed `sigaction` is valid; the handler is an `extern "C"` function
            // that only calls async-signal-safe functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_sigbus
                    as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void)
                    as usize;
                action.sa_flags = libc::SA_SIGINFO;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) == 0
            }
        });
        if ok {
            Ok(())
        } else {
            Err(io::Error::other(
                "the SIGBUS handler could not be installed",
            ))
        }
    }
}

#[cfg(not(unix))]
mod guard {
    /// Without a handler a cut file would end the process silently: read instead.
    pub fn install() -> std::io::Result<()> {
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }

    pub struct Entry;

    impl Entry {
        pub fn new(_: usize, _: usize, _: &str, _: u64) -> Option<Entry> {
            None
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write;
    use std::process::Command;

    const CHILD: &str = "BILLRECON_TEST_SIGBUS_CHILD";

    /// Run alone, in a child process (below): maps a file, cuts it, touches the cut page.
    #[test]
    #[ignore = "run by a_file_cut_while_mapped_exits_2_with_a_message, in a child process"]
    fn sigbus_child() {
        let Some(path) = std::env::var_os(CHILD) else {
            return;
        };
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(&vec![b'x'; 16 * 4096]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let map = super::map(&file, "cut.csv", 40_000, 3 * 4096).unwrap();
        f.set_len(0).unwrap();
        // Past the new end: the kernel raises SIGBUS here.
        let byte = unsafe { std::ptr::read_volatile(map.as_ptr().add(2 * 4096)) };
        println!("read {byte} past the end without a signal");
    }

    #[test]
    fn a_file_cut_while_mapped_exits_2_with_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.csv");
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "ingest::mapped::tests::sigbus_child",
            ])
            .args(["--nocapture", "--test-threads=1"])
            .env(CHILD, &path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
        assert!(
            stderr.contains("billrecon: error: cut.csv: the file was cut shorter")
                && stderr.contains("(SIGBUS, at byte 48192)"),
            "stderr: {stderr}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("without a signal"));
    }
}
