//! Regular expressions for the warehouse engines: a pattern written for Rust's `regex` crate
//! rewritten so that exactly one group captures (BigQuery's `REGEXP_EXTRACT` takes no group
//! number) and so that the classes Rust reads as Unicode mean the same in RE2 (DuckDB,
//! BigQuery) and in Java's and Joni's engines (Spark, Trino).

/// Which group of a pattern is kept capturing; every other group becomes `(?:…)`.
#[derive(Debug, Clone, Copy)]
pub enum Keep<'a> {
    /// The group named so (`(?P<id>…)` or `(?<id>…)`).
    Named(&'a str),
    /// The n-th capturing group, from 1, counted by opening parenthesis.
    Index(usize),
}

/// A translated pattern, and the constructs that may not mean the same on every engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    pub pattern: String,
    pub caveats: Vec<String>,
}

/// The class of `\w` in Rust (Unicode word characters), without brackets; RE2 and Java read
/// `\w` as ASCII only. Rust's class also holds the non-letter Alphabetic and Join_Control
/// characters, which no warehouse engine can name: a caveat when `\w` is used.
const WORD: &str = r"\p{L}\p{M}\p{Nd}\p{Pc}";

/// Rewrites `pattern` (already compiled by the `regex` crate, so well formed) for the engines.
pub fn translate(pattern: &str, keep: Keep<'_>) -> Translated {
    let ws: String = super::dialect::WHITESPACE.to_string();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut caveats = Vec::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    // Depth of character classes (Rust allows nesting), and the count of capturing groups.
    let mut class = 0usize;
    let mut group = 0usize;
    let mut caveat = |c: &str| {
        let c = c.to_string();
        if !caveats.contains(&c) {
            caveats.push(c);
        }
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let e = chars[i + 1];
            i += 2;
            match (e, class > 0) {
                ('d', _) => out.push_str(r"\p{Nd}"),
                ('D', false) => out.push_str(r"\P{Nd}"),
                ('s', false) => out.push_str(&format!("[{ws}]")),
                ('s', true) => out.push_str(&ws),
                ('S', false) => out.push_str(&format!("[^{ws}]")),
                ('w', false) => {
                    caveat(
                        r"`\w` is read as letters, marks, digits and connectors (Rust also counts a few other alphabetic characters)",
                    );
                    out.push_str(&format!("[{WORD}]"));
                }
                ('w', true) => {
                    caveat(
                        r"`\w` is read as letters, marks, digits and connectors (Rust also counts a few other alphabetic characters)",
                    );
                    out.push_str(WORD);
                }
                ('W', false) => {
                    caveat(r"`\W` is read as anything but letters, marks, digits and connectors");
                    out.push_str(&format!("[^{WORD}]"));
                }
                ('D' | 'S' | 'W', true) => {
                    caveat(&format!(
                        r"`\{e}` inside a class is ASCII-based in RE2 and Java, Unicode in Rust"
                    ));
                    out.push('\\');
                    out.push(e);
                }
                ('b' | 'B', false) => {
                    caveat(&format!(
                        r"`\{e}` (word boundary) is ASCII-based in RE2 and Java, Unicode in Rust"
                    ));
                    out.push('\\');
                    out.push(e);
                }
                ('p' | 'P', _) => {
                    caveat(r"`\p{…}` names a Unicode property: engines support different names");
                    out.push('\\');
                    out.push(e);
                }
                _ => {
                    out.push('\\');
                    out.push(e);
                }
            }
            continue;
        }
        if class > 0 {
            match c {
                '[' => {
                    if chars.get(i + 1) == Some(&':') {
                        caveat("POSIX classes such as `[[:alpha:]]` are not read by Java's engine (Spark)");
                    }
                    class += 1;
                    out.push(c);
                    i += 1;
                    // A `]` (after an optional `^`) first in a class is a literal.
                    if chars.get(i) == Some(&'^') {
                        out.push('^');
                        i += 1;
                    }
                    if chars.get(i) == Some(&']') {
                        out.push(']');
                        i += 1;
                    }
                }
                ']' => {
                    class -= 1;
                    out.push(c);
                    i += 1;
                }
                _ => {
                    if c == '&' && chars.get(i + 1) == Some(&'&') {
                        caveat("class intersection `&&` is read differently by RE2");
                    }
                    if c == '-' && chars.get(i + 1) == Some(&'-') {
                        caveat("class difference `--` is Rust-only syntax");
                    }
                    out.push(c);
                    i += 1;
                }
            }
            continue;
        }
        match c {
            '[' => {
                class = 1;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push(']');
                    i += 1;
                }
            }
            '(' => {
                let rest: String = chars[i + 1..].iter().take(64).collect();
                let name = rest
                    .strip_prefix("?P<")
                    .or_else(|| rest.strip_prefix("?<"))
                    .filter(|r| !r.starts_with('=') && !r.starts_with('!'))
                    .and_then(|r| r.split_once('>'))
                    .map(|(n, _)| n.to_string());
                if let Some(name) = name {
                    group += 1;
                    let prefix = if rest.starts_with("?P<") { 3 } else { 2 };
                    i += 1 + prefix + name.chars().count() + 1;
                    let kept = match keep {
                        Keep::Named(n) => n == name,
                        Keep::Index(k) => k == group,
                    };
                    out.push_str(if kept { "(" } else { "(?:" });
                } else if let Some(after) = rest.strip_prefix('?') {
                    // A flag group or a non-capturing group: flags RE2, Java and Rust share
                    // (i, m, s) mean the same; others do not.
                    let flags: String = after
                        .chars()
                        .take_while(|c| c.is_ascii_alphabetic() || *c == '-')
                        .collect();
                    if flags.chars().any(|f| !matches!(f, 'i' | 'm' | 's' | '-')) {
                        caveat(&format!("the flags `(?{flags}` are not read alike by every engine (`U` and `x` differ; `u` is Rust-only)"));
                    }
                    out.push('(');
                    i += 1;
                } else {
                    group += 1;
                    let kept = matches!(keep, Keep::Index(k) if k == group);
                    out.push_str(if kept { "(" } else { "(?:" });
                    i += 1;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Translated {
        pattern: out,
        caveats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> String {
        translate(p, Keep::Named("id")).pattern
    }

    #[test]
    fn only_the_id_group_captures() {
        assert_eq!(t(r"^(?P<id>.+)-node-\d+$"), r"^(.+)-node-\p{Nd}+$");
        assert_eq!(t(r"^(a|b)(?<id>[^/(]+)/(x)$"), r"^(?:a|b)([^/(]+)/(?:x)$");
        assert_eq!(
            t(r"(?i)\((?P<id>\w+)\)"),
            r"(?i)\(([\p{L}\p{M}\p{Nd}\p{Pc}]+)\)"
        );
        assert_eq!(t(r"[\d(](?P<id>x)"), r"[\p{Nd}(](x)");
        assert_eq!(t(r"[]a](?P<id>x)"), r"[]a](x)");
        let by_index = translate(r"^(a)(b)(c)$", Keep::Index(2)).pattern;
        assert_eq!(by_index, r"^(?:a)(b)(?:c)$");
    }

    #[test]
    fn translated_patterns_still_compile_and_capture_the_same() {
        for (p, input, want) in [
            (
                r"^(?P<id>.+)-node-\d+$",
                "dws-prod-node-12",
                Some("dws-prod"),
            ),
            (r"^(x)?(?P<id>[^/]+)/\s*$", "abc/ \u{3000}", Some("abc")),
            (r"(?P<id>\w+)$", "ß-名前", Some("名前")),
            (r"^(?P<id>\d+)$", "١٢٣", Some("١٢٣")),
        ] {
            let rust = regex::Regex::new(p).unwrap();
            let got = rust
                .captures(input)
                .and_then(|c| c.name("id"))
                .map(|m| m.as_str());
            assert_eq!(got, want, "{p} in Rust");
            let q = translate(p, Keep::Named("id")).pattern;
            let re = regex::Regex::new(&q).unwrap();
            assert_eq!(re.captures_len(), 2, "{q} has one group");
            let got = re
                .captures(input)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str());
            assert_eq!(got, want, "{q}");
        }
    }

    #[test]
    fn constructs_that_differ_are_named() {
        assert!(translate(r"\b(?P<id>x)", Keep::Named("id")).caveats[0].contains("word boundary"));
        assert!(translate(r"(?x)(?P<id>x)", Keep::Named("id")).caveats[0].contains("flags"));
        assert!(translate(r"(?P<id>x)", Keep::Named("id"))
            .caveats
            .is_empty());
    }
}
