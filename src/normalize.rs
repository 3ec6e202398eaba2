//! Resource-ID normalization: how the ID a bill writes becomes the ID a person deleted.
//!
//! Pure functions over strings. Comparison is case-insensitive by ASCII folding only: folding
//! keeps byte offsets, so a rule can return a slice of the ID it was given and the hot path
//! never allocates.

/// What a rule may look at besides the ID itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdContext<'a> {
    /// Canonical provider key (`huawei`, `alibaba`, `aws`, …).
    pub provider: &'a str,
    pub product_code: &'a str,
    pub product_name: &'a str,
}

/// Identifies the rule that normalized an ID, for `explain-id` and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleRef {
    ModelArtsService,
    AsIs,
}

impl RuleRef {
    pub fn name(self) -> &'static str {
        match self {
            RuleRef::ModelArtsService => "modelarts-service",
            RuleRef::AsIs => "as-is",
        }
    }
}

/// The ordered rule list. The first rule whose scope and pattern match wins; an ID no rule
/// matches is kept as it is.
#[derive(Debug, Default)]
pub struct Normalizer {}

impl Normalizer {
    /// Normalizes a cleaned bill ID (see [`clean_id`]). Returns a slice of `id`; callers compare
    /// it case-insensitively.
    pub fn normalize<'a>(&self, ctx: &IdContext<'_>, id: &'a str) -> (&'a str, RuleRef) {
        if is_modelarts(ctx) {
            if let Some(service) = strip_uuid_suffix(id) {
                return (service, RuleRef::ModelArtsService);
            }
        }
        (id, RuleRef::AsIs)
    }
}

/// Trims whitespace and one pair of surrounding quotes (IDs pasted from consoles and tickets
/// carry both).
pub fn clean_id(raw: &str) -> &str {
    let t = raw.trim();
    for q in ['"', '\'', '`', '“', '‘'] {
        let close = match q {
            '“' => '”',
            '‘' => '’',
            c => c,
        };
        if let Some(inner) = t.strip_prefix(q).and_then(|s| s.strip_suffix(close)) {
            return inner.trim();
        }
    }
    t
}

/// ModelArts real-time and batch services bill as `<service name>-<AI application UUID>`.
pub fn is_modelarts(ctx: &IdContext<'_>) -> bool {
    ctx.product_code
        .trim()
        .eq_ignore_ascii_case("hws.service.type.ma")
        || contains_ignore_ascii_case(ctx.product_name, "modelarts")
}

/// Strips a trailing `-<UUID>` (8-4-4-4-12 hex). Service names may themselves contain hyphens,
/// so only a whole UUID at the end is removed, never "everything after the first hyphen".
pub fn strip_uuid_suffix(id: &str) -> Option<&str> {
    const UUID_LEN: usize = 36;
    let b = id.as_bytes();
    if b.len() < UUID_LEN + 2 {
        return None;
    }
    let cut = b.len() - UUID_LEN - 1;
    (b[cut] == b'-' && is_uuid(&b[cut + 1..])).then(|| &id[..cut])
}

fn is_uuid(b: &[u8]) -> bool {
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The `;`-separated parts of a composite ID (Alibaba writes `cn-hangzhou;standard` for OSS and
/// `ApiKeyID;WorkspaceID;Model;…` for Model Studio); a register ID equal to any part matches.
pub fn composite_parts(id: &str) -> impl Iterator<Item = &str> {
    let composite = id.contains(';');
    id.split(';')
        .map(str::trim)
        .filter(move |p| composite && !p.is_empty())
}

pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let n = needle.as_bytes();
    n.is_empty()
        || haystack
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MA: IdContext = IdContext {
        provider: "huawei",
        product_code: "hws.service.type.ma",
        product_name: "ModelArts",
    };
    const ECS: IdContext = IdContext {
        provider: "huawei",
        product_code: "hws.service.type.ec2",
        product_name: "弹性云服务器",
    };

    #[test]
    fn ids_normalize_by_rule() {
        let n = Normalizer::default();
        let by_name = IdContext {
            product_code: "",
            product_name: "AI开发平台ModelArts",
            ..MA
        };
        let cases: &[(&IdContext, &str, &str, RuleRef)] = &[
            // The service name is what was deleted; the AI application ID is stripped.
            (
                &MA,
                "service-7f3a-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                "service-7f3a",
                RuleRef::ModelArtsService,
            ),
            // Names with hyphens keep them: two services sharing a prefix stay two services.
            (
                &MA,
                "service-7f3a-v2-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                "service-7f3a-v2",
                RuleRef::ModelArtsService,
            ),
            // Upper-case UUIDs are UUIDs too.
            (
                &MA,
                "Svc-A-0B6C2D1E-3F4A-4B5C-8D9E-0F1A2B3C4D5E",
                "Svc-A",
                RuleRef::ModelArtsService,
            ),
            // No UUID suffix: left as it is (a notebook bills under its own ID).
            (&MA, "service-7f3a-v2", "service-7f3a-v2", RuleRef::AsIs),
            (
                &MA,
                "5c7e1a9b-3f2d-4e8a-b1c6-9d0e2f4a6b8c",
                "5c7e1a9b-3f2d-4e8a-b1c6-9d0e2f4a6b8c",
                RuleRef::AsIs,
            ),
            // A near-UUID is not a UUID.
            (
                &MA,
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5",
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5",
                RuleRef::AsIs,
            ),
            (
                &MA,
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5g",
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5g",
                RuleRef::AsIs,
            ),
            // The product name alone is enough scope.
            (
                &by_name,
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                "svc",
                RuleRef::ModelArtsService,
            ),
            // Outside ModelArts the rule never applies.
            (
                &ECS,
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                RuleRef::AsIs,
            ),
            (&ECS, "", "", RuleRef::AsIs),
        ];
        for (ctx, id, want, rule) in cases {
            assert_eq!(n.normalize(ctx, id), (*want, *rule), "{id}");
        }
    }

    #[test]
    fn ids_are_cleaned_of_whitespace_and_quotes() {
        for (raw, want) in [
            ("  abc  ", "abc"),
            ("\"abc\"", "abc"),
            ("'abc'", "abc"),
            ("“abc”", "abc"),
            ("\"abc", "\"abc"),
            ("", ""),
        ] {
            assert_eq!(clean_id(raw), want, "{raw}");
        }
    }

    #[test]
    fn composite_ids_split_into_parts() {
        let parts: Vec<_> = composite_parts("12345;llm-abcd;qwen-max;output_token;app").collect();
        assert_eq!(
            parts,
            ["12345", "llm-abcd", "qwen-max", "output_token", "app"]
        );
        assert_eq!(
            composite_parts("cn-hangzhou;standard").collect::<Vec<_>>(),
            ["cn-hangzhou", "standard"]
        );
        assert_eq!(composite_parts("i-bp1a2b").count(), 0);
        assert_eq!(composite_parts(";a;;").collect::<Vec<_>>(), ["a"]);
    }
}
