//! Resource IDs: how the ID a bill writes becomes the ID a person deleted (`normalize`), which
//! bill lines mention which deletions (`matcher`, the [`Select`](crate::ingest::Select) the
//! reading calls for each distinct set of identifying cells), and the user's own ID rules
//! (`rules_file`, the `--rules` TOML).
//!
//! Pure string work over IDs, products and providers: no times, no amounts, no verdicts.

pub mod matcher;
pub mod normalize;
pub mod rules_file;
