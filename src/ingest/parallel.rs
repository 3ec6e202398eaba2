//! Reading every input on every core: inputs side by side, and each large plain file in pieces
//! of [`PIECE`] bytes. Results keep the order the inputs were given.
//!
//! A piece starts just past a newline, which is a record boundary unless a quoted cell holds
//! that newline; `merge_pieces` only trusts a piece whose predecessor ended exactly at its
//! start, and reads again the rare pieces that did not, so the result is the same as one
//! reading from start to end.

use super::pieces::{boundary, scan_piece, Merger, Piece, Plan};
use super::source::{self, Entry, Opened};
use super::{scan, scan_text, Count, FileScan, Hooks, ScanOptions, Scanned};
use crate::error::{Error, Result};
use crate::progress::Progress;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// Bytes per piece: large enough that a piece's set-up is noise, small enough that two cores
/// stay busy to the end of a file.
pub const PIECE: u64 = 32 << 20;

/// One unit of work for a worker: open an input (and read it, or plan its pieces), or read one
/// piece of a planned input.
enum Job {
    Open(usize),
    Piece(usize, usize),
}

/// Where each input stands: not yet read, read, or planned and being read in pieces.
enum InputState<T> {
    Waiting,
    Done(Box<Result<FileScan<T>>>),
    Split {
        plan: Box<Plan>,
        bounds: Vec<u64>,
        /// Results not yet joined (`None`: not read yet, or joined).
        pieces: Vec<Option<Result<Piece<T>>>>,
        /// The pieces joined so far, in order; `None` while a worker is joining more.
        merger: Option<Box<Merger<T>>>,
    },
}

struct Work {
    queue: VecDeque<Job>,
    active: usize,
    failed: bool,
}

/// Reads every entry; `threads` workers share the inputs and the `piece`-byte pieces of plain
/// files larger than a piece ([`PIECE`] in production; tests use tiny pieces).
pub fn scan_all<C: Count>(
    entries: &[Entry],
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
    progress: &Progress,
    threads: usize,
    piece: u64,
) -> Result<Vec<FileScan<C::Counts>>> {
    let all: Vec<usize> = (0..entries.len()).collect();
    scan_some(entries, &all, opts, hooks, progress, threads, piece)
}

/// Reads the entries at the indices `which` (each keeps its index among all the entries as
/// its input number), as [`scan_all`] does; results in the order of `which`.
pub fn scan_some<C: Count>(
    all: &[Entry],
    which: &[usize],
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
    progress: &Progress,
    threads: usize,
    piece: u64,
) -> Result<Vec<FileScan<C::Counts>>> {
    let Some(entries) = which
        .iter()
        .map(|i| all.get(*i))
        .collect::<Option<Vec<&Entry>>>()
    else {
        return Err(Error::Usage("an input index is out of range".into()));
    };
    let bars: Vec<_> = entries
        .iter()
        .map(|e| progress.bar(&e.name, e.size))
        .collect();
    let slots: Mutex<Vec<InputState<C::Counts>>> =
        Mutex::new(entries.iter().map(|_| InputState::Waiting).collect());
    let work = Mutex::new(Work {
        queue: (0..entries.len()).map(Job::Open).collect(),
        active: 0,
        failed: false,
    });
    let wake = Condvar::new();
    let split_above = (threads > 1).then_some(piece.max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                let mut memo = None;
                loop {
                    let unit = {
                        let Ok(mut w) = work.lock() else { return };
                        loop {
                            if w.failed {
                                return;
                            }
                            if let Some(u) = w.queue.pop_front() {
                                w.active += 1;
                                break u;
                            }
                            if w.active == 0 {
                                return;
                            }
                            w = match wake.wait(w) {
                                Ok(w) => w,
                                Err(_) => return,
                            };
                        }
                    };
                    let mut more = Vec::new();
                    let mut failed = false;
                    match unit {
                        Job::Open(i) => {
                            let entry = entries[i];
                            let input = which[i];
                            let bar = &bars[i];
                            let r =
                                source::with_entry(entry, &|r| Progress::wrap(bar, r), |opened| {
                                    match opened {
                                        Opened::Text(src) => scan_text(
                                            &entry.name,
                                            input,
                                            src,
                                            opts,
                                            hooks,
                                            split_above,
                                        ),
                                        parquet => scan(&entry.name, input, parquet, opts, hooks)
                                            .map(Scanned::Done),
                                    }
                                });
                            let slot = match r.and_then(|s| match s {
                                Scanned::Done(f) => Ok(InputState::Done(Box::new(Ok(f)))),
                                Scanned::Split(plan) => split(plan, piece.max(1), opts, hooks),
                            }) {
                                Ok(InputState::Split {
                                    plan,
                                    bounds,
                                    pieces,
                                    merger,
                                }) => {
                                    more.extend((0..pieces.len()).map(|k| Job::Piece(i, k)));
                                    InputState::Split {
                                        plan,
                                        bounds,
                                        pieces,
                                        merger,
                                    }
                                }
                                Ok(slot) => slot,
                                Err(e) => {
                                    failed = true;
                                    InputState::Done(Box::new(Err(e)))
                                }
                            };
                            if let Ok(mut s) = slots.lock() {
                                s[i] = slot;
                            }
                        }
                        Job::Piece(i, k) => {
                            let job = slots.lock().ok().and_then(|s| match &s[i] {
                                InputState::Split { plan, bounds, .. } => {
                                    Some((plan.clone(), bounds[k], bounds[k + 1]))
                                }
                                _ => None,
                            });
                            if let Some((plan, start, limit)) = job {
                                let bar = &bars[i];
                                let r = scan_piece(
                                    &plan,
                                    start,
                                    limit,
                                    opts,
                                    hooks,
                                    Some(bar),
                                    plan.late,
                                    &mut memo,
                                );
                                if let Ok(mut s) = slots.lock() {
                                    if let InputState::Split { pieces, .. } = &mut s[i] {
                                        pieces[k] = Some(r);
                                    }
                                }
                                failed |= !join_ready(&slots, i, opts, hooks);
                            }
                        }
                    }
                    if let Ok(mut w) = work.lock() {
                        w.active -= 1;
                        w.failed |= failed;
                        // Pieces go to the front: finishing a started file frees its memory soonest.
                        for u in more.into_iter().rev() {
                            w.queue.push_front(u);
                        }
                    }
                    wake.notify_all();
                }
            });
        }
    });
    for bar in &bars {
        bar.finish_and_clear();
    }
    let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
    let failed = work.into_inner().map_or(true, |w| w.failed);
    if failed {
        // Report the input that failed, not an input (or a piece) left unread because of it.
        let first = slots.into_iter().find_map(|s| match s {
            InputState::Done(r) => (*r).err(),
            _ => None,
        });
        return Err(first.unwrap_or_else(|| {
            Error::Usage("an input could not be read (no message was recorded)".into())
        }));
    }
    let mut out = Vec::with_capacity(slots.len());
    for (i, slot) in slots.into_iter().enumerate() {
        match slot {
            InputState::Done(r) => out.push((*r)?),
            InputState::Split {
                plan,
                pieces,
                merger,
                ..
            } => {
                let Some(mut merger) = merger else {
                    return Err(Error::Usage(format!(
                        "{}: the pieces were not joined",
                        plan.path
                    )));
                };
                let rest = pieces
                    .into_iter()
                    .skip(merger.taken())
                    .map(|p| {
                        p.unwrap_or_else(|| {
                            Err(Error::Usage(format!("{}: a piece was not read", plan.path)))
                        })
                    })
                    .collect();
                merger.absorb(&plan, rest, opts, hooks)?;
                out.push(merger.finish(&plan));
            }
            InputState::Waiting => {
                return Err(Error::Usage(format!(
                    "{}: not read because an earlier error stopped the run",
                    entries[i].name
                )));
            }
        }
    }
    Ok(out)
}

/// Joins the pieces of input `i` read so far that follow the pieces already joined, unless
/// another worker is joining them (it then joins these too: it looks again before it stops).
/// `false` when joining failed (the error is left in the input's slot).
fn join_ready<C: Count>(
    slots: &Mutex<Vec<InputState<C::Counts>>>,
    i: usize,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
) -> bool {
    let mut held: Option<Box<Merger<C::Counts>>> = None;
    loop {
        let Ok(mut s) = slots.lock() else {
            return false;
        };
        let InputState::Split {
            plan,
            pieces,
            merger,
            ..
        } = &mut s[i]
        else {
            return true;
        };
        if let Some(m) = held.take() {
            *merger = Some(m);
        }
        let Some(m) = merger.as_ref() else {
            return true;
        };
        let ready: Vec<_> = pieces[m.taken()..]
            .iter_mut()
            .map_while(Option::take)
            .collect();
        if ready.is_empty() {
            return true;
        }
        let (Some(mut m), plan) = (merger.take(), plan.clone()) else {
            return true;
        };
        drop(s);
        if let Err(e) = m.absorb(&plan, ready, opts, hooks) {
            if let Ok(mut s) = slots.lock() {
                s[i] = InputState::Done(Box::new(Err(e)));
            }
            return false;
        }
        held = Some(m);
    }
}

/// Cuts a plan's data rows into pieces at newline boundaries.
fn split<C: Count>(
    plan: Plan,
    piece: u64,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
) -> Result<InputState<C::Counts>> {
    let n = (plan.file_len - plan.data_offset).div_ceil(piece).max(1);
    let mut bounds = Vec::with_capacity(n as usize + 1);
    for k in 0..n {
        let b = boundary(&plan, plan.data_offset + k * piece)?;
        // A line longer than a piece can swallow the next cut: skip cuts that land inside.
        if bounds.last().is_none_or(|last| b > *last) {
            bounds.push(b);
        }
    }
    if bounds.last().is_some_and(|b| *b < plan.file_len) {
        bounds.push(plan.file_len);
    }
    let pieces: Vec<_> = (0..bounds.len().saturating_sub(1)).map(|_| None).collect();
    let merger = Merger::new(&plan, pieces.len(), opts, hooks);
    Ok(InputState::Split {
        plan: Box::new(plan),
        bounds,
        pieces,
        merger: Some(Box::new(merger)),
    })
}
