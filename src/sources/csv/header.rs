//! The file's header against the mapping: which column holds which field.
//!
//! A required field without its column stops the import with the header spelled out; an
//! optional one is simply absent. Must never read past the header.

use std::path::Path;

use super::SourceError;
use super::mapping::{Mapping, REQUIRED};
use super::row::Columns;

pub fn resolve(
    path: &Path,
    headers: &csv::StringRecord,
    mapping: &Mapping,
) -> Result<Columns, SourceError> {
    let find = |field: &str| -> Result<Option<usize>, SourceError> {
        let Some(name) = mapping.columns.get(field) else {
            return Ok(None);
        };
        match headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        {
            Some(i) => Ok(Some(i)),
            None if REQUIRED.contains(&field) => Err(SourceError::Invalid(format!(
                "{}: no column {name:?} for {field}; the header has: {}",
                path.display(),
                headers.iter().collect::<Vec<_>>().join(", ")
            ))),
            // An optional column a preset expects may be absent from a given export.
            None => Ok(None),
        }
    };
    let required = |field: &str| -> Result<usize, SourceError> {
        find(field)?.ok_or_else(|| {
            SourceError::Invalid(format!(
                "{}: no column is mapped to {field}",
                path.display()
            ))
        })
    };
    Ok(Columns {
        project: required("project")?,
        key: required("key")?,
        created: required("created")?,
        title: find("title")?,
        status: find("status")?,
        priority: find("priority")?,
        assignee: find("assignee")?,
        updated: find("updated")?,
        started: find("started")?,
        resolved: find("resolved")?,
        resolution: find("resolution")?,
        estimate: find("estimate")?,
        labels: find("labels")?,
    })
}
