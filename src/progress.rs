//! Progress bars on stderr: one per export (bytes, rate, ETA), shown only when stderr is a
//! terminal and `--quiet` is off, so cron logs and pipes never see control sequences.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Read};

pub struct Progress {
    multi: Option<MultiProgress>,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        let show = !quiet && std::io::stderr().is_terminal();
        Progress {
            multi: show.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    /// A bar for reading `len` bytes of `name`; hidden when progress is off.
    pub fn bar(&self, name: &str, len: u64) -> ProgressBar {
        let Some(multi) = &self.multi else {
            return ProgressBar::hidden();
        };
        let style = ProgressStyle::with_template(
            "{prefix:30!} {bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = multi.add(ProgressBar::new(len).with_style(style));
        bar.set_prefix(name.to_string());
        bar
    }

    /// Wraps a reader so the bar follows the bytes it yields.
    pub fn wrap<'a>(bar: &ProgressBar, r: impl Read + 'a) -> Box<dyn Read + 'a> {
        if bar.is_hidden() {
            Box::new(r)
        } else {
            Box::new(bar.wrap_read(r))
        }
    }
}
