//! Where a report goes: stdout, or a file that is replaced only once the report is complete, so
//! a failed run never leaves half a report where a cron job will read it.
//!
//! The temporary file is created by `tempfile`: a random name, opened with `O_EXCL`, so nothing
//! planted in the report directory (a symbolic link under a predictable name) can make a run,
//! often a root cron job, truncate another file.

use crate::error::{Error, Result};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub enum Sink {
    Stdout,
    /// A device or a pipe (`-o /dev/stdout`, a FIFO): written once the report is complete. It
    /// is never replaced by renaming a file over it (as root, that would replace the device).
    Special {
        target: PathBuf,
    },
    /// A regular file: the report is written to a fresh temporary file beside it, then renamed
    /// over it.
    File {
        target: PathBuf,
    },
}

/// Follows symbolic links to the file they name (which may not exist yet), so that replacing
/// the report keeps the link. A chain that never ends (a loop) is an error, never replaced.
fn resolve(target: &Path) -> io::Result<PathBuf> {
    let mut path = target.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                }
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

fn temp_in(real: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match real.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
}

/// The same file, by device and inode (so `./a.csv`, `a.csv` and a link to it are one file).
#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

impl Sink {
    /// Checks the destination before any work, so a bad path fails at once: a temporary file is
    /// created and removed again. It is created for good only once the report is complete, so
    /// a run killed during its (possibly long) reading leaves nothing behind.
    ///
    /// `inputs` are the files the run reads (exports, registers, rules): a report written over
    /// one of them would destroy it, so naming one is refused.
    pub fn create(target: Option<&Path>, inputs: &[&Path]) -> Result<Sink> {
        let Some(target) = target else {
            return Ok(Sink::Stdout);
        };
        if target == Path::new("-") {
            return Ok(Sink::Stdout);
        }
        let err = |e| Error::Output {
            target: target.display().to_string(),
            source: e,
        };
        if let Ok(meta) = fs::metadata(target) {
            if let Some(input) = inputs
                .iter()
                .find(|i| fs::metadata(i).is_ok_and(|m| same_file(&m, &meta)))
            {
                return Err(err(io::Error::other(format!(
                    "it is the input {}; the report would replace it",
                    input.display()
                ))));
            }
            if !meta.is_file() && !meta.is_dir() {
                return Ok(Sink::Special {
                    target: target.to_path_buf(),
                });
            }
        }
        let real = resolve(target).map_err(err)?;
        temp_in(&real).and_then(|t| t.close()).map_err(err)?;
        Ok(Sink::File { target: real })
    }

    /// Writes the whole report and puts it in place.
    pub fn finish(self, bytes: &[u8]) -> Result<()> {
        self.write_with(|out| out.write_all(bytes))
    }

    /// Writes the report `render` writes and puts it in place. The report is complete before
    /// it is rendered, so it is written as it is rendered, never held whole in memory (its
    /// JSON is about 0.9 KB per resource): only the output itself can fail on the way, and a
    /// file is then left as it was.
    pub fn write_with(self, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
        const BUFFER: usize = 64 * 1024;
        match self {
            Sink::Stdout => {
                let mut out = io::BufWriter::with_capacity(BUFFER, io::stdout().lock());
                render(&mut out)
                    .and_then(|_| out.flush())
                    .map_err(|e| Error::Output {
                        target: "stdout".into(),
                        source: e,
                    })
            }
            Sink::Special { target } => fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .and_then(|f| {
                    let mut out = io::BufWriter::with_capacity(BUFFER, f);
                    render(&mut out)?;
                    out.flush()
                })
                .map_err(|e| Error::Output {
                    target: target.display().to_string(),
                    source: e,
                }),
            Sink::File { target } => {
                // A full disk, or a target that is a directory: no half report, and the
                // temporary file is removed when it is dropped.
                temp_in(&target)
                    .and_then(|mut t| {
                        let mut out = io::BufWriter::with_capacity(BUFFER, &mut t);
                        render(&mut out)?;
                        out.flush()?;
                        drop(out);
                        t.as_file().sync_all()?;
                        t.persist(&target).map(drop).map_err(|e| e.error)
                    })
                    .map_err(|e| Error::Output {
                        target: target.display().to_string(),
                        source: e,
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_temporary_file_exists_until_the_report_is_written() {
        let dir = std::env::temp_dir().join(format!("billrecon-sink-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("report.json");
        let sink = Sink::create(Some(&target), &[]).unwrap();
        let listing = || {
            let mut names: Vec<String> = fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        // While the export is read, a kill leaves the directory as it was.
        assert!(listing().is_empty(), "{:?}", listing());
        sink.finish(b"{}\n").unwrap();
        assert_eq!(listing(), ["report.json"]);
        assert_eq!(fs::read(&target).unwrap(), b"{}\n");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_destination_fails_before_any_work() {
        let target = Path::new("/nonexistent-billrecon-dir/report.json");
        assert!(matches!(
            Sink::create(Some(target), &[]),
            Err(Error::Output { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_under_the_old_guessable_temporary_name_is_never_followed() {
        // The temporary file was `.NAME.PID.tmp`, opened following links and truncating:
        // anyone able to write to the report directory could make a (root) cron job truncate
        // any file. Here the PID is known, so the link is planted exactly where it was opened.
        let dir = std::env::temp_dir().join(format!("billrecon-plant-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        let planted = dir.join(format!(".report.json.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let target = dir.join("report.json");
        Sink::create(Some(&target), &[])
            .unwrap()
            .finish(b"{}\n")
            .unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(fs::read(&target).unwrap(), b"{}\n");
        assert!(fs::symlink_metadata(&planted)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            3,
            "no temporary file left"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
