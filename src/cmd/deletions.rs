//! `billrecon deletions SOURCE...`: the register billrecon derives from registers, audit logs
//! and cleanup reports, as CSV to review, edit and pass back with `--deleted` (or as JSON),
//! and on stderr what each source held and how far it reaches.

use crate::config::DeletionsConfig;
use crate::deletions::{self, audit, ReadOptions};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::ids::rules_file;
use std::io::Write;

pub fn run(cfg: DeletionsConfig) -> Result<Exit> {
    let user = match &cfg.rules {
        Some(path) => {
            // The `[[rule]]` entries are checked too, as `check` would.
            rules_file::read(path)?;
            audit::read_rules(path)?
        }
        None => Vec::new(),
    };
    let table = audit::EventTable::new(user);
    let opts = ReadOptions {
        tz: cfg.tz,
        skip_bad_rows: cfg.skip_bad_rows,
        events: &table,
    };
    let collected = deletions::collect(&cfg.sources, &opts)?;
    let mut out = Vec::new();
    if cfg.json {
        crate::report::deletions::render(&collected, &mut out)
    } else {
        deletions::register::write(&collected.deletions, &mut out)
    }
    .map_err(|e| Error::Output {
        target: "stdout".into(),
        source: e,
    })?;
    if !cfg.quiet {
        for s in &collected.sources {
            eprintln!("billrecon: {}", crate::report::printable(&s.describe()));
        }
        for w in &collected.warnings {
            eprintln!("billrecon: warning: {}", crate::report::printable(w));
        }
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&out).and_then(|()| stdout.flush()) {
        // `billrecon deletions … | head`: the reader has seen enough.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            return Err(Error::Output {
                target: "stdout".into(),
                source: e,
            })
        }
        Ok(()) => {}
    }
    Ok(Exit::Stopped)
}
