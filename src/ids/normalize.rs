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
    /// Export format of the line (`huawei`, `alibaba`, `focus`); a rule scoped to `focus`
    /// applies to every FOCUS line whatever its provider.
    pub format: &'a str,
    pub product_code: &'a str,
    pub product_name: &'a str,
}

/// A rule from a `--rules` file.
#[derive(Debug, Clone)]
pub struct UserRule {
    pub name: String,
    /// Canonical provider key or export format the rule is limited to.
    pub provider: Option<String>,
    /// Product code or name the rule is limited to (compared case-insensitively).
    pub product: Option<String>,
    /// Has a named group `id`: the normalized ID.
    pub pattern: regex::Regex,
    /// Where it was defined, for `explain-id`: `rules.toml`.
    pub origin: String,
}

/// The built-in rules, tried after the user's, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Builtin {
    /// Huawei ModelArts services bill as `<service name>-<AI application UUID>`.
    ModelArtsService,
    /// AWS ARNs: `arn:aws:ec2:region:account:instance/i-0abc` is the instance `i-0abc`.
    AwsArn,
    /// GCP full resource names: `//compute.googleapis.com/projects/p/zones/z/instances/NAME`.
    GcpFullName,
    /// Azure resource IDs compare as whole paths, case-insensitively.
    AzureResourceId,
}

const BUILTINS: [Builtin; 4] = [
    Builtin::ModelArtsService,
    Builtin::AwsArn,
    Builtin::GcpFullName,
    Builtin::AzureResourceId,
];

impl Builtin {
    fn name(self) -> &'static str {
        match self {
            Builtin::ModelArtsService => "modelarts-service",
            Builtin::AwsArn => "aws-arn",
            Builtin::GcpFullName => "gcp-full-name",
            Builtin::AzureResourceId => "azure-resource-id",
        }
    }

    fn scope(self, ctx: &IdContext<'_>) -> Result<(), String> {
        if self.in_scope(ctx) {
            return Ok(());
        }
        Err(
            "product is not ModelArts (code hws.service.type.ma or a name containing ModelArts)"
                .into(),
        )
    }

    /// [`Builtin::scope`] without its reason: what a scan asks for every new ID (the reason
    /// was a `String` built for every line that is no ModelArts service).
    fn in_scope(self, ctx: &IdContext<'_>) -> bool {
        !matches!(self, Builtin::ModelArtsService) || is_modelarts(ctx)
    }

    fn apply(self, id: &str) -> Option<&str> {
        match self {
            Builtin::ModelArtsService => strip_uuid_suffix(id),
            Builtin::AwsArn => arn_resource(id),
            Builtin::GcpFullName => gcp_name(id),
            Builtin::AzureResourceId => is_azure_id(id).then_some(id),
        }
    }
}

/// Identifies the rule that normalized an ID, for `explain-id` and the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleRef {
    User(usize),
    Builtin(usize),
    AsIs,
}

/// One rule tried by `explain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub rule: String,
    /// `built-in` or the rules file.
    pub origin: String,
    /// `Err(why not)` when the rule's scope excludes the line.
    pub scope: Result<(), String>,
    /// What the pattern produced, when the scope applied and it matched.
    pub produced: Option<String>,
}

/// The ordered rule list: the user's rules, then the built-in ones. The first rule whose scope
/// and pattern match wins; an ID no rule matches is kept as it is.
#[derive(Debug, Default)]
pub struct Normalizer {
    user: Vec<UserRule>,
}

impl Normalizer {
    pub fn new(user: Vec<UserRule>) -> Self {
        Normalizer { user }
    }

    pub fn has_user_rules(&self) -> bool {
        !self.user.is_empty()
    }

    /// Normalizes a cleaned bill ID (see [`clean_id`]). Returns a slice of `id`; callers compare
    /// it case-insensitively.
    ///
    /// A rule's output is normalized again until no rule changes it (an ARN inside a ModelArts
    /// name, say), so normalizing a normalized ID changes nothing. The rule reported is the
    /// first one that applied.
    pub fn normalize<'a>(&self, ctx: &IdContext<'_>, id: &'a str) -> (&'a str, RuleRef) {
        let (mut out, first) = self.pass(ctx, id);
        // A rule that keeps the ID whole (an Azure resource path) would keep it again: the next
        // pass is the same one.
        if first == RuleRef::AsIs || out.len() == id.len() {
            return (out, first);
        }
        // Every pass that changes the ID shortens it, so this ends; the bound is a safeguard.
        for _ in 0..8 {
            let (next, rule) = self.pass(ctx, out);
            if rule == RuleRef::AsIs || next.len() == out.len() {
                break;
            }
            out = next;
        }
        (out, first)
    }

    fn pass<'a>(&self, ctx: &IdContext<'_>, id: &'a str) -> (&'a str, RuleRef) {
        for (i, r) in self.user.iter().enumerate() {
            if user_in_scope(r, ctx) {
                if let Some(out) = user_apply(r, id) {
                    return (out, RuleRef::User(i));
                }
            }
        }
        for (i, b) in BUILTINS.iter().enumerate() {
            if b.in_scope(ctx) {
                if let Some(out) = b.apply(id) {
                    return (out, RuleRef::Builtin(i));
                }
            }
        }
        (id, RuleRef::AsIs)
    }

    pub fn rule_name(&self, r: RuleRef) -> &str {
        match r {
            RuleRef::User(i) => self.user.get(i).map_or("?", |u| u.name.as_str()),
            RuleRef::Builtin(i) => BUILTINS.get(i).map_or("?", |b| b.name()),
            RuleRef::AsIs => "as-is",
        }
    }

    /// Every rule tried, in order, until one matches, pass after pass until the ID stops
    /// changing; the last step of each pass is its winner (or `as-is`).
    pub fn explain(&self, ctx: &IdContext<'_>, id: &str) -> Vec<Vec<Step>> {
        let mut passes = vec![self.explain_pass(ctx, id)];
        for _ in 0..8 {
            let last = passes.last().and_then(|p| p.last());
            let Some(Step {
                rule,
                produced: Some(out),
                ..
            }) = last
            else {
                break;
            };
            if rule == "as-is" {
                break;
            }
            let next = self.explain_pass(ctx, out);
            let changed = next.last().is_some_and(|s| {
                s.rule != "as-is" && s.produced.as_ref().is_some_and(|p| p.len() != out.len())
            });
            if !changed {
                break;
            }
            passes.push(next);
        }
        passes
    }

    fn explain_pass(&self, ctx: &IdContext<'_>, id: &str) -> Vec<Step> {
        let mut steps = Vec::new();
        for r in &self.user {
            let scope = user_scope(r, ctx);
            let produced = scope
                .is_ok()
                .then(|| user_apply(r, id))
                .flatten()
                .map(str::to_string);
            let done = produced.is_some();
            steps.push(Step {
                rule: r.name.clone(),
                origin: r.origin.clone(),
                scope,
                produced,
            });
            if done {
                return steps;
            }
        }
        for b in BUILTINS {
            let scope = b.scope(ctx);
            let produced = scope
                .is_ok()
                .then(|| b.apply(id))
                .flatten()
                .map(str::to_string);
            let done = produced.is_some();
            steps.push(Step {
                rule: b.name().into(),
                origin: "built-in".into(),
                scope,
                produced,
            });
            if done {
                return steps;
            }
        }
        steps.push(Step {
            rule: "as-is".into(),
            origin: "built-in".into(),
            scope: Ok(()),
            produced: Some(id.to_string()),
        });
        steps
    }
}

/// [`user_scope`] without its reason, for the scan.
fn user_in_scope(r: &UserRule, ctx: &IdContext<'_>) -> bool {
    r.provider
        .as_ref()
        .is_none_or(|p| p.eq_ignore_ascii_case(ctx.provider) || p.eq_ignore_ascii_case(ctx.format))
        && r.product.as_ref().is_none_or(|p| {
            p.eq_ignore_ascii_case(ctx.product_code.trim())
                || p.eq_ignore_ascii_case(ctx.product_name.trim())
        })
}

fn user_scope(r: &UserRule, ctx: &IdContext<'_>) -> Result<(), String> {
    if let Some(p) = &r.provider {
        if !p.eq_ignore_ascii_case(ctx.provider) && !p.eq_ignore_ascii_case(ctx.format) {
            return Err(format!(
                "provider is {}, not {p}",
                if ctx.provider.is_empty() {
                    "unknown"
                } else {
                    ctx.provider
                }
            ));
        }
    }
    if let Some(p) = &r.product {
        if !p.eq_ignore_ascii_case(ctx.product_code.trim())
            && !p.eq_ignore_ascii_case(ctx.product_name.trim())
        {
            let mut names = vec![ctx.product_code.trim(), ctx.product_name.trim()];
            names.dedup();
            names.retain(|s| !s.is_empty());
            let shown = names.join(" / ");
            return Err(format!(
                "product is {}, not {p}",
                if shown.is_empty() {
                    "unknown".into()
                } else {
                    shown
                }
            ));
        }
    }
    Ok(())
}

fn user_apply<'a>(r: &UserRule, id: &'a str) -> Option<&'a str> {
    let m = r.pattern.captures(id)?.name("id")?;
    (!m.as_str().is_empty()).then(|| m.as_str())
}

/// The resource part of an AWS ARN, after its last `/` (or `:` where there is no `/`):
/// `arn:aws:ec2:us-east-1:123:instance/i-0abc` → `i-0abc`.
pub fn arn_resource(id: &str) -> Option<&str> {
    let rest = id
        .strip_prefix("arn:")
        .or_else(|| id.strip_prefix("ARN:"))?;
    let mut parts = rest.splitn(5, ':');
    let (partition, _service, _region, _account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if !partition.to_ascii_lowercase().starts_with("aws") || resource.is_empty() {
        return None;
    }
    let tail = resource.rsplit(['/', ':']).next()?;
    (!tail.is_empty()).then_some(tail)
}

/// The last segment of a GCP full resource name (`//service.googleapis.com/…/NAME`).
pub fn gcp_name(id: &str) -> Option<&str> {
    let rest = id.strip_prefix("//")?;
    let (host, path) = rest.split_once('/')?;
    if !host.to_ascii_lowercase().ends_with(".googleapis.com") {
        return None;
    }
    let name = path.rsplit('/').next()?;
    (!name.is_empty() && path.contains('/')).then_some(name)
}

/// `/subscriptions/<id>/resourceGroups/<rg>/providers/<ns>/<type>/<name>`.
pub fn is_azure_id(id: &str) -> bool {
    id.len() > 15
        && id.as_bytes()[..15].eq_ignore_ascii_case(b"/subscriptions/")
        && contains_ignore_ascii_case(id, "/providers/")
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
/// so only a whole UUID at the end is removed, never "everything after the first hyphen". When
/// what remains also ends with a UUID the split is ambiguous and nothing is stripped, which also
/// keeps normalization idempotent.
pub fn strip_uuid_suffix(id: &str) -> Option<&str> {
    let head = uuid_head(id)?;
    uuid_head(head).is_none().then_some(head)
}

fn uuid_head(id: &str) -> Option<&str> {
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
    // Not composite: nothing to split (an Azure path is searched once, not twice).
    let parts = if id.contains(';') { id } else { "" };
    parts.split(';').map(str::trim).filter(|p| !p.is_empty())
}

pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    // As written, most often (`/providers/` in an Azure ID): the standard library's search is
    // vectorised, where the loop below looks at every byte.
    if haystack.contains(needle) {
        return true;
    }
    let Some(&first) = n.first() else {
        return true;
    };
    let Some(last_start) = h.len().checked_sub(n.len()) else {
        return false;
    };
    // Compared in full only where the first byte matches, with one compare a byte: setting bit 5
    // folds ASCII case (and maps a few other bytes onto the same value, which the full
    // comparison then rules out).
    let folded = first | 0x20;
    h[..=last_start]
        .iter()
        .enumerate()
        .any(|(i, &b)| b | 0x20 == folded && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_in_scope_exactly_when_its_scope_gives_no_reason() {
        let mut rules = Vec::new();
        for provider in [None, Some("huawei"), Some("AWS"), Some("focus")] {
            for product in [
                None,
                Some("hws.service.type.ma"),
                Some("ModelArts"),
                Some("ECS"),
            ] {
                rules.push(rule("r", provider, product, "(?P<id>.+)"));
            }
        }
        for provider in ["huawei", "aws", ""] {
            for format in ["huawei", "focus"] {
                for (code, name) in [
                    ("hws.service.type.ma", "ModelArts"),
                    (" HWS.SERVICE.TYPE.MA ", ""),
                    ("", "modelarts real-time"),
                    ("ecs", "Elastic Cloud Server"),
                    ("", ""),
                ] {
                    let ctx = IdContext {
                        provider,
                        format,
                        product_code: code,
                        product_name: name,
                    };
                    for r in &rules {
                        assert_eq!(user_in_scope(r, &ctx), user_scope(r, &ctx).is_ok());
                    }
                    for b in BUILTINS {
                        assert_eq!(b.in_scope(&ctx), b.scope(&ctx).is_ok());
                    }
                }
            }
        }
    }

    #[test]
    fn substrings_are_found_as_a_window_search_finds_them() {
        let hay = [
            "",
            "/",
            "/subscriptions/0000/resourceGroups/RG/PROVIDERS/Microsoft.Compute/vm",
            "/subscriptions/0000/providers",
            "ModelArts-svc",
            "modelart",
            "pppproviders/",
            "资源/providers/x",
        ];
        let needles = [
            "",
            "/providers/",
            "modelarts",
            "p",
            "资源",
            "x",
            "/subscriptions/0000/x",
        ];
        for h in hay {
            for n in needles {
                let windows = n.is_empty()
                    || h.as_bytes()
                        .windows(n.len())
                        .any(|w| w.eq_ignore_ascii_case(n.as_bytes()));
                assert_eq!(contains_ignore_ascii_case(h, n), windows, "{h:?} {n:?}");
            }
        }
    }

    const MA: IdContext = IdContext {
        provider: "huawei",
        format: "huawei",
        product_code: "hws.service.type.ma",
        product_name: "ModelArts",
    };
    const ECS: IdContext = IdContext {
        provider: "huawei",
        format: "huawei",
        product_code: "hws.service.type.ec2",
        product_name: "弹性云服务器",
    };
    const AWS: IdContext = IdContext {
        provider: "aws",
        format: "focus",
        product_code: "",
        product_name: "Amazon EC2",
    };

    #[test]
    fn ids_normalize_by_rule() {
        let n = Normalizer::default();
        let by_name = IdContext {
            product_code: "",
            product_name: "AI开发平台ModelArts",
            ..MA
        };
        const MAS: &str = "modelarts-service";
        const ASIS: &str = "as-is";
        let cases: &[(&IdContext, &str, &str, &str)] = &[
            // The service name is what was deleted; the AI application ID is stripped.
            (
                &MA,
                "service-7f3a-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                "service-7f3a",
                MAS,
            ),
            // Names with hyphens keep them: two services sharing a prefix stay two services.
            (
                &MA,
                "service-7f3a-v2-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                "service-7f3a-v2",
                MAS,
            ),
            // Upper-case UUIDs are UUIDs too.
            (
                &MA,
                "Svc-A-0B6C2D1E-3F4A-4B5C-8D9E-0F1A2B3C4D5E",
                "Svc-A",
                MAS,
            ),
            // No UUID suffix: left as it is (a notebook bills under its own ID).
            (&MA, "service-7f3a-v2", "service-7f3a-v2", ASIS),
            (
                &MA,
                "5c7e1a9b-3f2d-4e8a-b1c6-9d0e2f4a6b8c",
                "5c7e1a9b-3f2d-4e8a-b1c6-9d0e2f4a6b8c",
                ASIS,
            ),
            // Two UUIDs at the end: ambiguous, kept whole.
            (&MA, "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e-1b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
             "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e-1b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e", ASIS),
            // A near-UUID is not a UUID.
            (
                &MA,
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5",
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5",
                ASIS,
            ),
            (
                &MA,
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5g",
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5g",
                ASIS,
            ),
            // The product name alone is enough scope.
            (
                &by_name,
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                "svc",
                MAS,
            ),
            // Outside ModelArts the rule never applies.
            (
                &ECS,
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e",
                ASIS,
            ),
            (&ECS, "", "", ASIS),
            // AWS ARNs normalize to the bare resource ID.
            (&AWS, "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123", "i-0abc123", "aws-arn"),
            (&AWS, "arn:aws-cn:rds:cn-north-1:123456789012:db:prod-db", "prod-db", "aws-arn"),
            (&AWS, "arn:aws:s3:::my-bucket", "my-bucket", "aws-arn"),
            (&AWS, "arn:", "arn:", ASIS),
            // GCP full resource names normalize to the last segment.
            (&AWS, "//compute.googleapis.com/projects/p1/zones/us-central1-a/instances/vm-7", "vm-7", "gcp-full-name"),
            (&AWS, "//example.com/a/b", "//example.com/a/b", ASIS),
            // Azure resource IDs stay whole paths (compared case-insensitively).
            (&AWS, "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
             "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1", "azure-resource-id"),
        ];
        for (ctx, id, want, rule) in cases {
            let (out, r) = n.normalize(ctx, id);
            assert_eq!((out, n.rule_name(r)), (*want, *rule), "{id}");
        }
    }

    fn rule(name: &str, provider: Option<&str>, product: Option<&str>, pattern: &str) -> UserRule {
        UserRule {
            name: name.into(),
            provider: provider.map(String::from),
            product: product.map(String::from),
            pattern: regex::Regex::new(pattern).unwrap(),
            origin: "rules.toml".into(),
        }
    }

    #[test]
    fn user_rules_apply_first_within_their_scope() {
        let dws = IdContext {
            product_code: "hws.service.type.dws",
            product_name: "DWS",
            ..ECS
        };
        let n = Normalizer::new(vec![
            rule(
                "dws-nodes",
                Some("huawei"),
                Some("hws.service.type.dws"),
                r"^(?P<id>.+)-node-\d+$",
            ),
            rule("strip-v", Some("focus"), None, r"^(?P<id>.+)-v\d+$"),
        ]);
        let norm = |ctx: &IdContext, id| {
            let (out, r) = n.normalize(ctx, id);
            (out.to_string(), n.rule_name(r).to_string())
        };
        assert_eq!(
            norm(&dws, "dws-prod-node-3"),
            ("dws-prod".into(), "dws-nodes".into())
        );
        // Scoped to one product, the rule never touches another product's lines.
        assert_eq!(
            norm(&ECS, "dws-prod-node-3"),
            ("dws-prod-node-3".into(), "as-is".into())
        );
        // A provider scope of `focus` means every FOCUS line.
        assert_eq!(norm(&AWS, "api-v2"), ("api".into(), "strip-v".into()));
        assert_eq!(norm(&ECS, "api-v2"), ("api-v2".into(), "as-is".into()));
        // User rules win over the built-in ones.
        let first = Normalizer::new(vec![rule("keep-all", None, None, r"^(?P<id>.*)$")]);
        let id = "svc-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e";
        assert_eq!(first.rule_name(first.normalize(&MA, id).1), "keep-all");
    }

    #[test]
    fn explain_lists_every_rule_tried_until_one_matches() {
        let n = Normalizer::new(vec![rule(
            "dws-nodes",
            None,
            Some("hws.service.type.dws"),
            r"^(?P<id>.+)-node-\d+$",
        )]);
        let steps = n
            .explain(&MA, "svc-a-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e")
            .remove(0);
        let names: Vec<_> = steps.iter().map(|s| s.rule.as_str()).collect();
        assert_eq!(names, ["dws-nodes", "modelarts-service"]);
        assert!(steps[0].scope.is_err());
        assert_eq!(steps[1].produced.as_deref(), Some("svc-a"));
        let steps = n.explain(&ECS, "i-plain").remove(0);
        assert_eq!(steps.last().map(|s| s.rule.as_str()), Some("as-is"));
        assert_eq!(steps.len(), 1 + BUILTINS.len() + 1);
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
