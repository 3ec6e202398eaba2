//! Where relation names are code in a query's text (outside quoted literals), so that Spark's
//! single-use steps can be written inline without touching a register ID that looks like SQL.

use super::*;

/// The byte ranges of `sql` outside quoted text (`'…'`, `"…"`, `` `…` ``; a backslash escapes
/// the next character in the dialects whose literals use it), where relation names are code.
pub(super) fn code_spans(d: Dialect, sql: &str) -> Vec<(usize, usize)> {
    let backslash = matches!(d, Dialect::Spark | Dialect::Bigquery);
    let mut spans = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut chars = sql.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            None if matches!(c, '\'' | '"' | '`') => {
                spans.push((start, i));
                quote = Some(c);
            }
            None => {}
            Some(_) if backslash && c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => {
                quote = None;
                start = i + 1;
            }
            Some(_) => {}
        }
    }
    if quote.is_none() {
        spans.push((start, sql.len()));
    }
    spans
}

/// The references to relation `name` in the code of `sql`: `FROM name` or `JOIN name`, as
/// (start of `name`, end of `name`) byte offsets.
pub(super) fn reference_spans(d: Dialect, sql: &str, name: &str) -> Vec<(usize, usize)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for (a, b) in code_spans(d, sql) {
        let code = &sql[a..b];
        // The words of the code with their byte offsets.
        let mut words: Vec<(usize, &str)> = Vec::new();
        let mut start = None;
        for (i, c) in code
            .char_indices()
            .chain(std::iter::once((code.len(), ' ')))
        {
            match (start, is_word(c)) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    words.push((s, &code[s..i]));
                    start = None;
                }
                _ => {}
            }
        }
        for w in words.windows(2) {
            if (w[0].1 == "FROM" || w[0].1 == "JOIN") && w[1].1 == name {
                out.push((a + w[1].0, a + w[1].0 + name.len()));
            }
        }
    }
    out
}

/// How many times `sql` names the relation `name` (as a whole word after FROM or JOIN).
pub(super) fn references(d: Dialect, sql: &str, name: &str) -> usize {
    reference_spans(d, sql, name).len()
}

/// `sql` with its one reference to `name` replaced by `(body) AS name`, or by `(body)` when the
/// reference already has an alias.
pub(super) fn inline(d: Dialect, sql: &str, name: &str, body: &str) -> String {
    let (at, end) = reference_spans(d, sql, name)[0];
    let aliased = sql[end..].trim_start().starts_with("AS ");
    let alias = if aliased {
        String::new()
    } else {
        format!(" AS {name}")
    };
    format!("{}(\n{body}\n){alias}{}", &sql[..at], &sql[end..])
}
