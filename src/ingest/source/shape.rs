//! What a text file's opening bytes say of its shape: its delimiter (comma, tab, or a register's
//! `;`), carriage-return-only line ends, and how to describe them.

use std::io::Read;

pub(super) fn describe(encoding: &str, delimiter: u8, cr: bool) -> String {
    let mut out = encoding.to_string();
    if delimiter == b'\t' {
        out.push_str(", tab-separated");
    }
    if cr {
        out.push_str(", CR line ends");
    }
    out
}

/// Lines ended by a carriage return alone (Excel's "CSV (Macintosh)"): the opening bytes hold
/// carriage returns and no line feed.
pub(super) fn cr_only(head: &[u8]) -> bool {
    head.contains(&b'\r') && !head.contains(&b'\n')
}

/// Reads CR line ends as LF, so that lines are counted, and cited, as an editor shows them
/// (the record reader counts line feeds).
pub(super) struct CrToLf<R>(pub(super) R);

impl<R: Read> Read for CrToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// A tab when more of the opening lines hold more tabs than commas than the other way round
/// (Excel's "Unicode text" is tab-separated, and its cells may hold commas), else a comma.
pub(super) fn delimiter_of(head: &[u8]) -> u8 {
    let count = |l: &[u8], c: u8| l.iter().filter(|b| **b == c).count();
    let (mut tab_lines, mut comma_lines) = (0, 0);
    for l in head.split(|b| *b == b'\n').take(20) {
        let (t, c) = (count(l, b'\t'), count(l, b','));
        if t > c {
            tab_lines += 1;
        } else if c > t {
            comma_lines += 1;
        }
    }
    if tab_lines > comma_lines {
        b'\t'
    } else {
        b','
    }
}

/// `;` when the first line (a register's header) holds more semicolons than commas and tabs,
/// else `delimiter`. Only the header decides: data cells may hold semicolons (Alibaba's
/// composite IDs such as `cn-hangzhou;standard`), header names never do.
pub(super) fn list_delimiter_of(head: &[u8], delimiter: u8) -> u8 {
    let first = head
        .split(|b| *b == b'\n')
        .find(|l| !l.trim_ascii().is_empty())
        .unwrap_or(b"");
    let count = |c: u8| first.iter().filter(|b| **b == c).count();
    if count(b';') > count(b',').max(count(b'\t')) {
        b';'
    } else {
        delimiter
    }
}
