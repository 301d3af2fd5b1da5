//! Turning configured sources into live connectors.

use std::time::Duration;

use crate::config::{SourceKind, SourceSettings};
use crate::domain::Portfolio;
use crate::sources::Source;
use crate::sources::csv::CsvSource;
use crate::sources::demo::DemoSource;
use crate::sources::http::Policy;
use crate::sources::jira::JiraSource;
use crate::sources::redmine::RedmineSource;

/// One connector per configured source, with its interval. `stored` is what the store holds
/// now (the demo tracker resumes from it).
pub fn build_sources(
    settings: &[SourceSettings],
    stored: &Portfolio,
) -> Vec<(Box<dyn Source>, Duration)> {
    settings
        .iter()
        .map(|s| {
            let source: Box<dyn Source> = match &s.kind {
                SourceKind::Demo { seed } => Box::new(DemoSource::new(&s.name, *seed, stored)),
                SourceKind::Csv { path, mapping } => {
                    Box::new(CsvSource::new(&s.name, path.clone(), mapping.clone()))
                }
                SourceKind::Redmine(r) => {
                    Box::new(RedmineSource::new(&s.name, r.clone(), Policy::default()))
                }
                SourceKind::Jira(j) => {
                    Box::new(JiraSource::new(&s.name, j.clone(), Policy::default()))
                }
            };
            (source, s.interval)
        })
        .collect()
}
