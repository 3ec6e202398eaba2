//! Progress bars on stderr: one per export (bytes, lines per second, ETA), shown only when
//! stderr is a terminal and `--quiet` is off, so cron logs and pipes never see control
//! sequences.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Progress {
    multi: Option<MultiProgress>,
}

/// One export's bar, shared by the threads reading its pieces.
#[derive(Clone)]
pub struct Bar {
    bar: ProgressBar,
    lines: Arc<AtomicU64>,
    /// When the bar was made, for the line rate.
    started: Instant,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        let show = !quiet && std::io::stderr().is_terminal();
        Progress {
            multi: show.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    /// A bar for reading `len` bytes of `name`; hidden when progress is off.
    pub fn bar(&self, name: &str, len: u64) -> Bar {
        let bar = match &self.multi {
            None => ProgressBar::hidden(),
            Some(multi) => {
                let style = ProgressStyle::with_template(
                    "{prefix:30!} {bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg} ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar());
                let bar = multi.add(ProgressBar::new(len).with_style(style));
                bar.set_prefix(name.to_string());
                bar
            }
        };
        Bar {
            bar,
            lines: Arc::new(AtomicU64::new(0)),
            started: Instant::now(),
        }
    }

    /// Wraps a reader so the bar follows the bytes and lines it yields.
    pub fn wrap<'a>(bar: &Bar, r: impl Read + 'a) -> Box<dyn Read + 'a> {
        if bar.bar.is_hidden() {
            Box::new(r)
        } else {
            Box::new(Counting {
                inner: r,
                bar: bar.clone(),
                shown: Instant::now(),
            })
        }
    }
}

impl Bar {
    /// Whether the bar is drawn (a hidden one need not be told of the bytes read).
    pub fn is_shown(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// Moves the bar over `bytes`, just read; `shown` is when the line rate was last written.
    pub fn advance(&self, bytes: &[u8], shown: &mut Instant) {
        let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
        let lines = self.lines.fetch_add(newlines, Ordering::Relaxed) + newlines;
        self.bar.inc(bytes.len() as u64);
        if shown.elapsed() >= REFRESH {
            *shown = Instant::now();
            let secs = self.started.elapsed().as_secs_f64();
            self.bar.set_message(lines_per_sec(lines, secs));
        }
    }

    /// Takes the bar off the screen once its export is read.
    pub fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }
}

/// Counts the bytes and newlines a reader yields onto its bar.
struct Counting<R> {
    inner: R,
    bar: Bar,
    /// When the line rate was last written.
    shown: Instant,
}

/// How often the line rate is rewritten: often enough to look live, rarely enough to cost
/// nothing.
const REFRESH: Duration = Duration::from_millis(200);

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.advance(&buf[..n], &mut self.shown);
        Ok(n)
    }
}

/// `1.2M lines/s`: a display figure only (no money goes through it).
fn lines_per_sec(lines: u64, secs: f64) -> String {
    let rate = if secs > 0.0 { lines as f64 / secs } else { 0.0 };
    let (value, unit) = if rate >= 1e6 {
        (rate / 1e6, "M")
    } else if rate >= 1e3 {
        (rate / 1e3, "k")
    } else {
        (rate, "")
    };
    format!("{value:.1}{unit} lines/s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_rates_read_in_thousands_and_millions() {
        for (lines, secs, want) in [
            (0, 0.0, "0.0 lines/s"),
            (500, 1.0, "500.0 lines/s"),
            (25_000, 2.0, "12.5k lines/s"),
            (3_000_000, 2.0, "1.5M lines/s"),
        ] {
            assert_eq!(lines_per_sec(lines, secs), want);
        }
    }

    #[test]
    fn a_counted_reader_yields_the_same_bytes_and_counts_its_lines() {
        let bar = Bar {
            // Hidden bars still count.
            bar: ProgressBar::hidden(),
            lines: Arc::new(AtomicU64::new(0)),
            started: Instant::now(),
        };
        let data = b"a,b\nc,d\r\n\ne";
        let mut r = Counting {
            inner: &data[..],
            bar: bar.clone(),
            shown: Instant::now(),
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
        assert_eq!(bar.lines.load(Ordering::Relaxed), 3);
    }
}
