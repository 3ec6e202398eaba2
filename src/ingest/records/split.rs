//! The line splitter behind the record reader's fast path: finds a line's delimiters and end
//! with vector compares (AVX2 or SSE2, a word-at-a-time loop elsewhere), and declines any line
//! whose quoting needs the full CSV parser.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in every byte of `word` equal to `byte`, exactly (no false positives).
#[inline]
fn eq_mask(word: u64, byte: u8) -> u64 {
    let x = word ^ (LO * u64::from(byte));
    !(((x & !HI).wrapping_add(!HI)) | x) & HI
}

/// How many bytes of `bytes` equal `byte`, eight at a time.
#[inline]
pub(super) fn count(bytes: &[u8], byte: u8) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut n = 0usize;
    for w in &mut words {
        let m = eq_mask(u64::from_le_bytes(w.try_into().unwrap_or([0; 8])), byte) >> 7;
        // Each byte of `m` is 0 or 1: the multiply sums them into the top byte.
        n += (m.wrapping_mul(LO) >> 56) as usize;
    }
    n + words.remainder().iter().filter(|b| **b == byte).count()
}

/// A line the splitter read: where its last cell ends, how many bytes it takes with its line
/// end, whether some cells are quoted (their quotes are still around them in the buffer), and
/// whether all its bytes are ASCII (seen on the way: a reader watching for the first other
/// byte need not look at the line again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Split {
    pub body: usize,
    pub used: usize,
    pub quoted: bool,
    pub ascii: bool,
}

/// Splits the line at the start of `buf` the fast way most bill lines take, writing the
/// delimiters' positions and then the line's end to `bounds`. It reads lines whose quoted
/// cells open and close with a quote and hold no line end (`""` escapes inside them are
/// stepped over, the first quote of each pair written to `pairs`: see `unescape` in
/// `records.rs`), and whose only carriage return is in a final `\r\n`. `None` when the line needs the full CSV
/// parser or its `\n` is not in `buf`.
#[inline]
pub(super) fn split_line(
    buf: &[u8],
    delimiter: u8,
    bounds: &mut Vec<u32>,
    pairs: &mut Vec<u32>,
    splitter: Splitter,
) -> Option<Split> {
    pairs.clear();
    match splitter {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Splitter::Avx2` is only made where the CPU was seen to have AVX2 and BMI1.
        Splitter::Avx2 => unsafe { split_line_avx2(buf, delimiter, bounds, pairs) },
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        // SAFETY: SSE2 is part of this target (checked by the `cfg`).
        Splitter::Sse2 => unsafe { split_line_sse2(buf, delimiter, bounds, pairs) },
        _ => split_line_scalar(buf, delimiter, bounds, pairs),
    }
}

/// Which line splitter this CPU runs, chosen once per reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // Which variants are made depends on the target.
pub enum Splitter {
    Avx2,
    Sse2,
    Scalar,
}

impl Splitter {
    pub fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("bmi1")
            {
                return Splitter::Avx2;
            }
        }
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        {
            Splitter::Sse2
        }
        #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
        {
            Splitter::Scalar
        }
    }
}

/// Whether a closing quote at `p` really closes its cell: a delimiter or the line end must
/// follow. Anything else (a `""` escape, text after the quote) is left to the CSV parser.
#[inline]
fn closes_cell(buf: &[u8], p: usize, delimiter: u8) -> bool {
    match buf.get(p + 1) {
        Some(&c) if c == delimiter || c == b'\n' => true,
        Some(b'\r') => buf.get(p + 2) == Some(&b'\n'),
        _ => false,
    }
}

/// Bits `from..=to` of a mask.
#[inline]
fn span(from: usize, to: usize) -> u64 {
    (u64::MAX >> (63 - to)) & (u64::MAX << from)
}

/// The block loop behind the vector splitters: `masks(at)` gives, for the `W` bytes at `at`,
/// one bit per byte that is a newline, one per quote or carriage return, one per delimiter,
/// and one per byte that is not ASCII. The delimiters are read off the mask and the bytes are touched once: this is
/// the hot loop of every scan. Blocks holding quotes or carriage returns take a slower step
/// that masks out what lies inside quoted cells.
#[inline(always)]
fn split_blocks<const W: usize>(
    buf: &[u8],
    delimiter: u8,
    bounds: &mut Vec<u32>,
    pairs: &mut Vec<u32>,
    masks: impl Fn(usize) -> (u64, u64, u64, u64),
) -> Option<Split> {
    bounds.clear();
    let n = buf.len();
    let mut at = 0;
    // One delimiter is a few instructions: its position written where the last one ended,
    // the room for a whole block made once (`Vec::push` would check the capacity, reload the
    // buffer and store the length on every one of a line's 30 to 55 delimiters).
    let push = |bounds: &mut Vec<u32>, base: usize, mut mask: u64| {
        bounds.reserve(W);
        let len = bounds.len();
        // SAFETY: `mask` has a bit per byte of the block, at most `W` set, so the loop writes
        // at most `W` slots past `len`, all inside the room just reserved; `set_len` then
        // covers exactly the slots written, each initialized.
        unsafe {
            let first = bounds.as_mut_ptr().add(len);
            let mut at = first;
            while mask != 0 {
                at.write((base + mask.trailing_zeros() as usize) as u32);
                at = at.add(1);
                mask &= mask - 1;
            }
            bounds.set_len(len + at.offset_from(first) as usize);
        }
    };
    let all = u64::MAX >> (64 - W);
    // Where the quoted cell open at the end of the previous block started (bit 0 here).
    let mut open = false;
    let mut quoted = false;
    // The previous block ended on the first quote of a `""` pair: its second opens this one.
    let mut pair_open = false;
    // Bytes of the line that are not ASCII, so far.
    let mut high = 0u64;
    while at + W <= n {
        let (m_nl, m_special, m_delim, m_high) = masks(at);
        if m_special == 0 && !open {
            if m_nl != 0 {
                let k = m_nl.trailing_zeros() as usize;
                let before = (1u64 << k) - 1;
                push(bounds, at, m_delim & before);
                bounds.push((at + k) as u32);
                return Some(Split {
                    body: at + k,
                    used: at + k + 1,
                    quoted,
                    ascii: high | (m_high & before) == 0,
                });
            }
            high |= m_high;
            push(bounds, at, m_delim);
            at += W;
            continue;
        }
        // The first newline ends the line unless a quoted cell is open there, which is left
        // to the parser; specials past it belong to the next line.
        let k = if m_nl != 0 {
            m_nl.trailing_zeros() as usize
        } else {
            W
        };
        let before = if k == W { all } else { (1u64 << k) - 1 };
        high |= m_high & before;
        let mut specials = m_special & before;
        if std::mem::take(&mut pair_open) {
            specials &= !1;
        }
        let mut inside = 0u64;
        let mut cr = 0u64;
        let mut opened_at = if open { Some(0) } else { None };
        while specials != 0 {
            let b = specials.trailing_zeros() as usize;
            specials &= specials - 1;
            let p = at + b;
            if buf[p] == b'\r' {
                if opened_at.is_none() {
                    cr |= 1 << b;
                }
                continue;
            }
            match opened_at {
                None => {
                    // A quote opens a cell only at its start; elsewhere it is the parser's.
                    if p != 0 && buf[p - 1] != delimiter {
                        return None;
                    }
                    opened_at = Some(b);
                    quoted = true;
                }
                Some(o) => {
                    if buf.get(p + 1) == Some(&b'"') {
                        // A `""` escape: the cell stays open (the newline cannot be the next
                        // byte, so the pair is before it).
                        pairs.push(p as u32);
                        if b + 1 < W {
                            specials &= !(1u64 << (b + 1));
                        } else {
                            pair_open = true;
                        }
                        continue;
                    }
                    if !closes_cell(buf, p, delimiter) {
                        return None;
                    }
                    inside |= span(o, b);
                    opened_at = None;
                }
            }
        }
        open = opened_at.is_some();
        if let Some(o) = opened_at {
            if k < W {
                return None;
            }
            inside |= span(o, W - 1);
        }
        let delims = m_delim & before & !inside;
        if k < W {
            let body = if cr == 0 {
                at + k
            } else if cr == 1 << (k - 1) {
                at + k - 1
            } else {
                return None;
            };
            push(bounds, at, delims);
            bounds.push(body as u32);
            return Some(Split {
                body,
                used: at + k + 1,
                quoted,
                ascii: high == 0,
            });
        }
        if cr != 0 {
            // A `\r` closing the block may be the first half of a `\r\n` split across blocks.
            let last = W - 1;
            if cr == 1 << last && buf.get(at + W) == Some(&b'\n') {
                push(bounds, at, delims);
                bounds.push((at + last) as u32);
                return Some(Split {
                    body: at + last,
                    used: at + W + 1,
                    quoted,
                    ascii: high == 0,
                });
            }
            return None;
        }
        push(bounds, at, delims);
        at += W;
    }
    let tail = split_tail(buf, at, delimiter, bounds, pairs, open, quoted, pair_open)?;
    Some(Split {
        ascii: tail.ascii && high == 0,
        ..tail
    })
}

/// [`split_line`] sixteen bytes at a time.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn split_line_sse2(
    buf: &[u8],
    delimiter: u8,
    bounds: &mut Vec<u32>,
    pairs: &mut Vec<u32>,
) -> Option<Split> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let nl = _mm_set1_epi8(b'\n' as i8);
    let quote = _mm_set1_epi8(b'"' as i8);
    let cr = _mm_set1_epi8(b'\r' as i8);
    let delim = _mm_set1_epi8(delimiter as i8);
    split_blocks::<16>(buf, delimiter, bounds, pairs, |at| {
        // SAFETY: the block loop asks only for `at + 16 <= buf.len()`, so the unaligned load
        // reads only `buf`.
        let v = unsafe { _mm_loadu_si128(buf.as_ptr().add(at).cast::<__m128i>()) };
        let mask = |m| u64::from(_mm_movemask_epi8(m) as u16);
        (
            mask(_mm_cmpeq_epi8(v, nl)),
            mask(_mm_or_si128(
                _mm_cmpeq_epi8(v, quote),
                _mm_cmpeq_epi8(v, cr),
            )),
            mask(_mm_cmpeq_epi8(v, delim)),
            mask(v),
        )
    })
}

/// [`split_line`] sixty-four bytes at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1")]
fn split_line_avx2(
    buf: &[u8],
    delimiter: u8,
    bounds: &mut Vec<u32>,
    pairs: &mut Vec<u32>,
) -> Option<Split> {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8,
    };
    let nl = _mm256_set1_epi8(b'\n' as i8);
    let quote = _mm256_set1_epi8(b'"' as i8);
    let cr = _mm256_set1_epi8(b'\r' as i8);
    let delim = _mm256_set1_epi8(delimiter as i8);
    // Two vectors a block: a bill line is a few hundred bytes, and the block loop's own steps
    // then run half as often.
    split_blocks::<64>(buf, delimiter, bounds, pairs, |at| {
        // SAFETY: the block loop asks only for `at + 64 <= buf.len()`, so both unaligned loads
        // read only `buf`.
        let (lo, hi) = unsafe {
            (
                _mm256_loadu_si256(buf.as_ptr().add(at).cast::<__m256i>()),
                _mm256_loadu_si256(buf.as_ptr().add(at + 32).cast::<__m256i>()),
            )
        };
        let mask = |m| u64::from(_mm256_movemask_epi8(m) as u32);
        let special = |v| _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, cr));
        (
            mask(_mm256_cmpeq_epi8(lo, nl)) | mask(_mm256_cmpeq_epi8(hi, nl)) << 32,
            mask(special(lo)) | mask(special(hi)) << 32,
            mask(_mm256_cmpeq_epi8(lo, delim)) | mask(_mm256_cmpeq_epi8(hi, delim)) << 32,
            // A byte's top bit: set in every byte that is not ASCII.
            mask(lo) | mask(hi) << 32,
        )
    })
}

/// [`split_line`] a byte at a time, where no vector unit is assumed.
fn split_line_scalar(
    buf: &[u8],
    delimiter: u8,
    bounds: &mut Vec<u32>,
    pairs: &mut Vec<u32>,
) -> Option<Split> {
    bounds.clear();
    split_tail(buf, 0, delimiter, bounds, pairs, false, false, false)
}

/// The byte-at-a-time rules of [`split_blocks`], for the bytes after the last whole block;
/// `open` says a quoted cell is open at `from`, `pair` that the byte there is the second quote
/// of a `""` pair.
#[allow(clippy::too_many_arguments)]
fn split_tail(
    buf: &[u8],
    from: usize,
    delimiter: u8,
    bounds: &mut Vec<u32>,
    pairs: &mut Vec<u32>,
    mut open: bool,
    mut quoted: bool,
    mut pair: bool,
) -> Option<Split> {
    let mut ascii = true;
    for (i, &b) in buf.iter().enumerate().skip(from) {
        ascii &= b.is_ascii();
        if std::mem::take(&mut pair) {
            continue;
        }
        if open {
            match b {
                b'"' if buf.get(i + 1) == Some(&b'"') => {
                    pairs.push(i as u32);
                    pair = true;
                }
                b'"' if closes_cell(buf, i, delimiter) => open = false,
                b'"' | b'\n' => return None,
                _ => {}
            }
            continue;
        }
        match b {
            b'\n' => {
                bounds.push(i as u32);
                return Some(Split {
                    body: i,
                    used: i + 1,
                    quoted,
                    ascii,
                });
            }
            b'\r' if buf.get(i + 1) == Some(&b'\n') => {
                bounds.push(i as u32);
                return Some(Split {
                    body: i,
                    used: i + 2,
                    quoted,
                    ascii,
                });
            }
            b'"' if i == 0 || buf[i - 1] == delimiter => {
                open = true;
                quoted = true;
            }
            b'"' | b'\r' => return None,
            b if b == delimiter => bounds.push(i as u32),
            _ => {}
        }
    }
    None
}
