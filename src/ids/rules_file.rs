//! `--rules` files: user ID-normalization rules in TOML, checked before any export is read.
//!
//! ```toml
//! [[rule]]
//! name = "dws-nodes"
//! provider = "huawei"
//! product = "hws.service.type.dws"
//! pattern = '^(?P<id>.+)-node-\d+$'
//! ```

use crate::error::{Error, Location, Result};
use crate::ids::normalize::UserRule;
use crate::ingest::formats;
use crate::model::canonical_provider;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
    /// Read by `deletions::audit::read_rules`.
    #[serde(default, rename = "deletion_event")]
    _deletion_event: Vec<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<String>,
    provider: Option<Spanned<String>>,
    product: Option<String>,
    pattern: Spanned<String>,
}

/// Reads and checks a rules file: every pattern compiles and has an `id` group.
pub fn read(path: &str) -> Result<Vec<UserRule>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse(path, &text)
}

/// Where byte `offset` of a rules file's `text` is, as a line and a column in characters.
pub(crate) fn location(path: &str, text: &str, offset: usize) -> Location {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Location::at(path, line, Some(col))
}

/// A rules file's TOML as `T` (each reader takes its own tables from the one file), an error
/// citing where it does not parse.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let loc = e
            .span()
            .map_or_else(|| Location::file(path), |s| location(path, text, s.start));
        Error::input(
            loc,
            format!("not a valid rules file: {}", e.message().trim()),
        )
    })
}

pub fn parse(path: &str, text: &str) -> Result<Vec<UserRule>> {
    let at = |offset: usize| location(path, text, offset);
    let file: RulesFile = parse_toml(path, text)?;
    let mut out = Vec::new();
    for (i, spanned) in file.rule.into_iter().enumerate() {
        let raw = spanned.into_inner();
        let name = raw
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("rule {}", i + 1));
        let provider = match raw.provider {
            Some(p) => {
                let key = canonical_provider(p.get_ref());
                let known = formats::provider_keys();
                if !known.contains(&key.as_str()) {
                    return Err(Error::input(
                        at(p.span().start),
                        format!(
                            "rule `{name}`: unknown provider `{}`: expected one of {}",
                            p.get_ref(),
                            known.join(", ")
                        ),
                    ));
                }
                Some(key)
            }
            None => None,
        };
        let pattern = regex::Regex::new(raw.pattern.get_ref()).map_err(|e| {
            let reason = e
                .to_string()
                .lines()
                .last()
                .unwrap_or("invalid")
                .trim()
                .to_string();
            Error::input(
                at(raw.pattern.span().start),
                format!("rule `{name}`: the pattern does not compile: {reason}"),
            )
        })?;
        if !pattern.capture_names().any(|n| n == Some("id")) {
            return Err(Error::input(
                at(raw.pattern.span().start),
                format!("rule `{name}`: the pattern has no named group `id`: write the part that is the ID as `(?P<id>…)`"),
            ));
        }
        out.push(UserRule {
            name,
            provider,
            product: raw
                .product
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
            pattern,
            origin: path.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_with_their_scope() {
        let text = r#"
[[rule]]
name = "dws-nodes"
provider = "Huawei Cloud"
product = "hws.service.type.dws"
pattern = '^(?P<id>.+)-node-\d+$'

[[rule]]
pattern = '^(?P<id>[^/]+)/.*$'
"#;
        let rules = parse("rules.toml", text).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].name, "dws-nodes");
        assert_eq!(rules[0].provider.as_deref(), Some("huawei"));
        assert_eq!(rules[0].product.as_deref(), Some("hws.service.type.dws"));
        assert_eq!(rules[1].name, "rule 2");
        assert_eq!(rules[1].provider, None);
        assert!(parse("rules.toml", "").unwrap().is_empty());
    }

    #[test]
    fn bad_rules_name_file_line_and_reason() {
        let cases = [
            (
                "[[rule]\npattern = 'x'",
                "rules.toml:1:",
                "not a valid rules file",
            ),
            (
                "[[rule]]\nname = \"a\"\npattern = '(?P<id>'",
                "rules.toml:3:11",
                "rule `a`: the pattern does not compile",
            ),
            (
                "[[rule]]\nname = \"b\"\npattern = '^(.+)-x$'",
                "rules.toml:3:11",
                "rule `b`: the pattern has no named group `id`",
            ),
            (
                "[[rule]]\nname = \"c\"\nprovider = \"huwei\"\npattern = '(?P<id>.+)'",
                "rules.toml:3:12",
                "unknown provider `huwei`",
            ),
            (
                "[[rule]]\nname = \"d\"\npatern = '(?P<id>.+)'",
                "rules.toml:",
                "not a valid rules file",
            ),
            (
                "[[rule]]\nname = \"e\"",
                "rules.toml:",
                "missing field `pattern`",
            ),
        ];
        for (text, loc, msg) in cases {
            let e = parse("rules.toml", text).unwrap_err().to_string();
            assert!(e.starts_with(loc), "{e} should start with {loc}");
            assert!(e.contains(msg), "{e} should contain {msg}");
        }
    }
}
