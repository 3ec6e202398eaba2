//! Where a report goes: stdout, or a file that is replaced only once the report is complete, so
//! a failed run never leaves half a report where a cron job will read it.

use crate::error::{Error, Result};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub enum Sink {
    Stdout,
    /// A device or a pipe (`-o /dev/stdout`, a FIFO): written once the report is complete. It
    /// is never replaced by renaming a file over it (as root, that would replace the device).
    Special {
        target: PathBuf,
    },
    /// A regular file: the report is written to `temp` beside it, then renamed over it.
    File {
        target: PathBuf,
        temp: PathBuf,
    },
}

/// Follows symbolic links to the file they name (which may not exist yet), so that replacing
/// the report keeps the link.
fn resolve(target: &Path) -> PathBuf {
    let mut path = target.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => match fs::read_link(&path) {
                Ok(next) => {
                    path = match path.parent() {
                        Some(dir) if next.is_relative() => dir.join(next),
                        _ => next,
                    }
                }
                Err(_) => break,
            },
            _ => break,
        }
    }
    path
}

impl Sink {
    /// Checks the destination before any work, so a bad path fails at once: the temporary
    /// file is created and removed again. It is created for good only once the report is
    /// complete, so a run killed during its (possibly long) reading leaves nothing behind.
    pub fn create(target: Option<&Path>) -> Result<Sink> {
        let Some(target) = target else {
            return Ok(Sink::Stdout);
        };
        if fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            return Ok(Sink::Special {
                target: target.to_path_buf(),
            });
        }
        let real = resolve(target);
        let name = real
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into());
        let temp = real.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        File::create(&temp)
            .and_then(|f| {
                drop(f);
                fs::remove_file(&temp)
            })
            .map_err(|e| Error::Output {
                target: target.display().to_string(),
                source: e,
            })?;
        Ok(Sink::File { target: real, temp })
    }

    /// Writes the whole report and puts it in place.
    pub fn finish(mut self, bytes: &[u8]) -> Result<()> {
        match &mut self {
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|_| out.flush())
                    .map_err(|e| Error::Output {
                        target: "stdout".into(),
                        source: e,
                    })
            }
            Sink::Special { target } => fs::OpenOptions::new()
                .write(true)
                .open(&*target)
                .and_then(|mut f| f.write_all(bytes))
                .map_err(|e| Error::Output {
                    target: target.display().to_string(),
                    source: e,
                }),
            Sink::File { target, temp } => {
                let err = |e| Error::Output {
                    target: target.display().to_string(),
                    source: e,
                };
                let done = File::create(&*temp).and_then(|mut f| {
                    f.write_all(bytes)?;
                    f.sync_all()?;
                    drop(f);
                    fs::rename(&*temp, &*target)
                });
                if done.is_err() {
                    // A full disk, or a target that is a directory: no half report, and no
                    // temporary file left beside it.
                    let _ = fs::remove_file(&*temp);
                }
                done.map_err(err)
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
        let sink = Sink::create(Some(&target)).unwrap();
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
            Sink::create(Some(target)),
            Err(Error::Output { .. })
        ));
    }
}
