//! `billrecon deletions -f json`: the register derived from every `--deleted` source as one
//! JSON document: each deletion with its `origin` object, each source with what it held, its
//! time span and its failed events.

use crate::deletions::{register, Collected, SourceSummary};
use crate::model::Origin;
use crate::time::rfc3339;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Row<'a> {
    resource_id: Option<&'a str>,
    resource_name: Option<&'a str>,
    deleted_at: String,
    product: Option<&'a str>,
    provider: Option<&'a str>,
    action: &'static str,
    note: Option<&'a str>,
    origin: &'a Origin,
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: super::Tool,
    sources: &'a [SourceSummary],
    deletions: Vec<Row<'a>>,
    warnings: &'a [String],
}

pub fn render(c: &Collected, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        schema_version: super::SCHEMA_VERSION,
        tool: super::Tool {
            name: "billrecon",
            version: env!("CARGO_PKG_VERSION"),
        },
        sources: &c.sources,
        deletions: register::sorted(&c.deletions)
            .into_iter()
            .map(|d| Row {
                resource_id: d.resource_id.as_deref(),
                resource_name: d.resource_name.as_deref(),
                deleted_at: rfc3339(d.deleted_at),
                product: d.product.as_deref(),
                provider: d.provider.as_deref(),
                action: d.action.name(),
                note: d.note.as_deref(),
                origin: &d.origin,
            })
            .collect(),
        warnings: &c.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    writeln!(out)
}
