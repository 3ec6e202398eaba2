//! `--format json`: the report as one JSON document (the contract's schema, version 1).

use super::Report;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_report_snapshot() {
        let mut out = Vec::new();
        super::render(&crate::report::sample::report(), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
