//! `billrecon explain-id`: how bill IDs normalize, rule by rule, so a user can see why an ID
//! does not match and fix it with a `--rules` file.

use crate::config::ExplainConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::ids::normalize::{clean_id, composite_parts, IdContext, Normalizer};
use crate::ids::rules_file;
use crate::ingest::formats;
use std::io::Write;

pub fn run(cfg: ExplainConfig) -> Result<Exit> {
    let user = match &cfg.rules {
        Some(path) => rules_file::read(path)?,
        None => Vec::new(),
    };
    let normalizer = Normalizer::new(user);
    let text = explain(&normalizer, &cfg);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::Output {
            target: "stdout".into(),
            source: e,
        })?;
    Ok(Exit::Stopped)
}

/// The explanation of every ID, blocks separated by a blank line.
pub fn explain(normalizer: &Normalizer, cfg: &ExplainConfig) -> String {
    // A provider that is also a format's name (`huawei`) stands for lines of that format.
    let format = formats::by_name(&cfg.provider).map_or("", |s| s.format.name());
    let ctx = IdContext {
        provider: &cfg.provider,
        format,
        product_code: &cfg.product,
        product_name: &cfg.product,
    };
    let mut out = String::new();
    for (n, raw) in cfg.ids.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let id = clean_id(raw);
        out.push_str(&format!("{id}\n"));
        if id != raw {
            out.push_str("  cleaned of surrounding whitespace and quotes\n");
        }
        let passes = normalizer.explain(&ctx, id);
        let all = passes.iter().flatten();
        let width = all
            .clone()
            .map(|s| s.rule.chars().count())
            .max()
            .unwrap_or(0);
        let origin_width = all.map(|s| s.origin.chars().count()).max().unwrap_or(0);
        let mut result = id.to_string();
        for (p, steps) in passes.iter().enumerate() {
            if p > 0 {
                out.push_str(&format!("  normalized again: {result}\n"));
            }
            for (i, s) in steps.iter().enumerate() {
                let outcome = match (&s.scope, &s.produced) {
                    (Err(why), _) => format!("scope does not apply: {why}"),
                    (Ok(()), None) => "no match".to_string(),
                    (Ok(()), Some(p)) if s.rule == "as-is" => {
                        format!("no rule matched: kept as {p}")
                    }
                    (Ok(()), Some(p)) => format!("matched: {p}"),
                };
                out.push_str(&format!(
                    "  {}. {:width$}  {:origin_width$}  {outcome}\n",
                    i + 1,
                    s.rule,
                    s.origin
                ));
                if let Some(p) = &s.produced {
                    result = p.clone();
                }
            }
        }
        let parts: Vec<&str> = composite_parts(&result).collect();
        if !parts.is_empty() {
            out.push_str(&format!(
                "  composite: also matches a register ID equal to one of {}\n",
                parts.join(", ")
            ));
        }
        out.push_str(&format!("{}\n", result.to_ascii_lowercase()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_id_snapshot() {
        let user = rules_file::parse(
            "rules.toml",
            "[[rule]]\nname = \"dws-nodes\"\nprovider = \"huawei\"\nproduct = \"hws.service.type.dws\"\npattern = '^(?P<id>.+)-node-\\d+$'\n",
        )
        .unwrap();
        let n = Normalizer::new(user);
        let cfg = |provider: &str, product: &str, ids: &[&str]| ExplainConfig {
            ids: ids.iter().map(|s| s.to_string()).collect(),
            provider: provider.into(),
            product: product.into(),
            rules: None,
        };
        let mut text = explain(
            &n,
            &cfg(
                "huawei",
                "hws.service.type.ma",
                &[
                    "svc-infer-prod-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                    " \"SVC-PLAIN\" ",
                ],
            ),
        );
        text.push_str("---\n");
        text.push_str(&explain(
            &n,
            &cfg("huawei", "hws.service.type.dws", &["dws-prod-node-3"]),
        ));
        text.push_str("---\n");
        text.push_str(&explain(
            &n,
            &cfg(
                "aws",
                "",
                &["arn:aws:ec2:us-east-1:123456789012:instance/i-0ABC"],
            ),
        ));
        text.push_str("---\n");
        text.push_str(&explain(
            &n,
            &cfg("alibaba", "oss", &["cn-hangzhou;standard"]),
        ));
        text.push_str("---\n");
        // A rule's output is normalized again until it stops changing.
        let arn = "arn:aws:ec2:r:1:instance/i-9-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e";
        text.push_str(&explain(&n, &cfg("huawei", "ModelArts", &[arn])));
        insta::assert_snapshot!(text);
    }
}
