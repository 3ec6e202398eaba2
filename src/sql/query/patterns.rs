//! The regular expressions and literal tables the query shares with `check`'s readers: range
//! separators, provider names, the built-in ID rules, times, offsets and numbers.

use super::*;

/// The `start ~ end` separators of an expenditure-time range, in the order `split_range` tries.
pub(super) const RANGE_SEPARATORS: [&str; 5] = ["~", "～", " - ", " to ", "—"];

/// The canonical provider keys and the squeezed names that fold to them (`canonical_provider`).
pub const PROVIDER_NAMES: [(&str, &[&str]); 5] = [
    ("huawei", &["huawei", "huaweicloud", "hwc", "华为云"]),
    (
        "alibaba",
        &["alibaba", "alibabacloud", "aliyun", "alicloud", "阿里云"],
    ),
    ("aws", &["aws", "amazonwebservices", "amazon"]),
    ("azure", &["azure", "microsoft", "microsoftazure"]),
    (
        "gcp",
        &["gcp", "google", "googlecloud", "googlecloudplatform"],
    ),
];

pub(super) const UUID: &str =
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/// The built-in rules as patterns whose one group is the normalized ID (see `normalize.rs`):
/// a ModelArts service's name before its `-<UUID>` (unless that also ends with a UUID), the
/// resource of an AWS ARN, the name of a GCP full resource name. Azure resource IDs normalize
/// to themselves and need no pattern.
pub fn modelarts_pattern() -> String {
    format!("(?s)^(.+)-{UUID}$")
}
pub fn modelarts_ambiguous() -> String {
    format!("(?s)^.+-{UUID}-{UUID}$")
}
pub const ARN: &str = "(?s)^(?:arn|ARN):[aA][wW][sS][^:]*:[^:]*:[^:]*:[^:]*:(?:.*[/:])?([^/:]+)$";
pub const GCP: &str =
    "(?s)^//[^/]*\\.[gG][oO][oO][gG][lL][eE][aA][pP][iI][sS]\\.[cC][oO][mM]/.*/([^/]+)$";

/// A time as `parse_time` reads it: date, optional time of day, the rest (an offset).
pub(super) const TIME: &str = "(?s)^([0-9]{4})([-/])([0-9]{1,2})([-/])([0-9]{1,2})(?:[ Tt] *([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?)?(.*)$";

/// The offset forms `parse_suffix` reads after `GMT`/`UTC`: `±H[H]`, `±HH[:]MM`, `±H:MM`.
pub(super) fn offset_patterns() -> [String; 3] {
    let lead = format!("^(?:GMT|UTC)?[{WHITESPACE}]*([+-])");
    [
        format!("{lead}([0-9]{{1,2}})$"),
        format!("{lead}([0-9]{{2}}):?([0-9]{{2}})$"),
        format!("{lead}([0-9]):([0-9]{{2}})$"),
    ]
}

/// A plain or scientific decimal as `parse_decimal` reads it after a `+` and thousands
/// separators are removed: mantissa digits before and after the point, and the exponent.
pub(super) const NUMBER: &str = "^-?([0-9]*)\\.?([0-9]*)(?:[eE]([+-]?[0-9]+))?$";
pub(super) const NUMBER_SHAPE: &str = "^-?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?$";
pub(super) const GROUPED: &str = "^-?[0-9]{1,3}(?:,[0-9]{3})+(?:\\.[^,]*)?$";
