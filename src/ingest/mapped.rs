//! Pieces of plain files mapped into memory, so that the scan reads the page cache where it
//! lies instead of copying every byte into a buffer first (the copy was the largest single
//! cost of a scan after the splitter: see BENCHMARKS.md).
//!
//! A mapping has one hazard a `read` does not: a file cut shorter while it is mapped (rewritten
//! in place by a download, a failing network disk) raises `SIGBUS` on the next touch of a page
//! past its new end, which would end the process without a word. The first mapping installs a
//! handler that says so on stderr and exits with the bad-input code instead.

use std::fs::File;
use std::io;

/// Maps `len` bytes of `file` from `offset`, read only; `Err` where this platform or file
/// cannot be mapped (the caller then reads it).
pub fn map(file: &File, offset: u64, len: usize) -> io::Result<memmap2::Mmap> {
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
    Ok(map)
}

#[cfg(unix)]
mod guard {
    use std::io;
    use std::sync::OnceLock;

    /// Written from the signal handler: fixed bytes, nothing allocated.
    const MESSAGE: &[u8] = b"billrecon: error: an input file was cut shorter, or could not be \
read from its disk, while it was being read (SIGBUS); no report was written\n";

    extern "C" fn on_sigbus(_: libc::c_int) {
        // SAFETY: `write` and `_exit` are async-signal-safe; the buffer is static.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(2);
        }
    }

    pub fn install() -> io::Result<()> {
        static INSTALLED: OnceLock<bool> = OnceLock::new();
        let ok = *INSTALLED.get_or_init(|| {
            // SAFETY: a zeroed `sigaction` is valid; the handler is an `extern "C"` function
            // that only calls async-signal-safe functions.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_sigbus as extern "C" fn(libc::c_int) as usize;
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
        f.write_all(&vec![b'x'; 3 * 4096]).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let map = super::map(&file, 0, 3 * 4096).unwrap();
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
            stderr.contains("an input file was cut shorter"),
            "stderr: {stderr}"
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains("without a signal"));
    }
}
