//! The report as JSON: the model serialised, described by `assets/report.schema.json`.

use super::model::Report;

/// The JSON Schema (draft 2020-12) every JSON report validates against.
pub const SCHEMA: &str = include_str!("../../assets/report.schema.json");

pub fn render(r: &Report) -> anyhow::Result<String> {
    let mut out = crate::text::json::to_string_pretty(r)?;
    out.push('\n');
    Ok(out)
}
