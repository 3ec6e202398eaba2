//! Where a report goes: stdout, or a file that is replaced only once the report is complete, so
//! a failed run never leaves half a report where a cron job will read it.

use crate::error::{Error, Result};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub enum Sink {
    Stdout,
    File {
        target: PathBuf,
        temp: PathBuf,
        file: Option<File>,
    },
}

impl Sink {
    /// Opens the destination before any work, so a bad path fails at once.
    pub fn create(target: Option<&Path>) -> Result<Sink> {
        let Some(target) = target else {
            return Ok(Sink::Stdout);
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into());
        let temp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&temp).map_err(|e| Error::Output {
            target: target.display().to_string(),
            source: e,
        })?;
        Ok(Sink::File {
            target: target.to_path_buf(),
            temp,
            file: Some(file),
        })
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
            Sink::File { target, temp, file } => {
                let err = |e| Error::Output {
                    target: target.display().to_string(),
                    source: e,
                };
                let Some(mut f) = file.take() else {
                    return Ok(());
                };
                let done = f.write_all(bytes).and_then(|_| f.sync_all()).and_then(|_| {
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

impl Drop for Sink {
    fn drop(&mut self) {
        // A run that failed before `finish` leaves no temporary file behind.
        if let Sink::File {
            temp,
            file: Some(_),
            ..
        } = self
        {
            let _ = fs::remove_file(temp);
        }
    }
}
