//! `lookout doctor`: checks each configured source (reachable, authenticated, projects
//! visible, the sync's own search on one page) and the store, and prints a verdict per item.

use std::path::Path;
use std::time::Duration;

use crate::config::{Settings, SourceKind, SourceSettings};
use crate::domain::Portfolio;
use crate::sources::{Source, SourceError};
use crate::store::Store;
use crate::sync::build_sources;

/// How long one source may take to answer before doctor calls it unreachable.
const PATIENCE: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub failed: bool,
}

impl Report {
    fn item(&mut self, ok: bool, what: &str, detail: impl AsRef<str>) {
        self.failed |= !ok;
        let mark = if ok { "ok  " } else { "FAIL" };
        // Details quote trackers (project keys, error bodies): printed clean, like all output.
        let detail = crate::text::sanitize_cow(detail.as_ref());
        self.lines.push(format!("  {mark}  {what}: {detail}"));
    }

    fn heading(&mut self, text: String) {
        self.lines.push(crate::text::sanitize(&text));
    }
}

fn describe(s: &SourceSettings) -> String {
    match &s.kind {
        SourceKind::Demo { seed } => format!("demo, seed {seed}"),
        SourceKind::Csv { path, .. } => format!("csv, {}", path.display()),
        SourceKind::Redmine(r) => format!("redmine, {}", r.url),
        SourceKind::Jira(j) => format!("jira, {}", j.url),
    }
}

/// A file source has no server or credentials: the questions are whether it reads, what it
/// holds and which rows it would skip.
async fn check_file(report: &mut Report, source: &mut dyn Source) {
    match source.fetch(None, chrono::Utc::now()).await {
        Err(e) => report.item(false, "readable", e.to_string()),
        Ok(changes) => {
            report.item(
                !changes.tickets.is_empty(),
                "readable",
                format!(
                    "{} tickets in {} projects",
                    changes.tickets.len(),
                    changes.projects.len()
                ),
            );
            if !changes.warnings.is_empty() {
                // Skipped rows are reported, not fatal: the rest imports.
                report.item(true, "rows skipped", changes.warnings.join("; "));
            }
        }
    }
}

/// Runs the query a sync runs, bounded to one page: a tracker can accept the credentials and
/// list the projects, and still refuse the search or send issues a sync cannot read.
async fn check_trial(report: &mut Report, source: &mut dyn Source) {
    match tokio::time::timeout(PATIENCE, source.trial()).await {
        Err(_) => report.item(false, "trial search", "no answer within a minute"),
        Ok(Err(e)) => report.item(false, "trial search", e.to_string()),
        Ok(Ok(None)) => {}
        Ok(Ok(Some(trial))) => {
            report.item(
                true,
                "trial search",
                format!(
                    "one page read as a sync reads it ({} {})",
                    trial.read,
                    if trial.read == 1 { "ticket" } else { "tickets" }
                ),
            );
            if !trial.warnings.is_empty() {
                // A sync skips these and goes on; the user should still know.
                report.item(true, "a sync would skip", trial.warnings.join("; "));
            }
        }
    }
}

pub async fn run(settings: &Settings, data_dir: &Path) -> Report {
    let mut report = Report::default();
    if let Some(file) = &settings.file {
        report.heading(format!("config {}", file.display()));
        report.item(
            true,
            "parsed",
            format!("{} sources", settings.sources.len()),
        );
    }
    let sources = build_sources(&settings.sources, &Portfolio::default());
    for (s, (mut source, _)) in settings.sources.iter().zip(sources) {
        report.heading(format!("source {} ({})", s.name, describe(s)));
        if matches!(s.kind, SourceKind::Csv { .. }) {
            check_file(&mut report, source.as_mut()).await;
            continue;
        }
        match tokio::time::timeout(PATIENCE, source.projects()).await {
            Err(_) => report.item(false, "reachable", "no answer within a minute"),
            Ok(Err(SourceError::Config(e))) => report.item(false, "configured", e),
            Ok(Err(SourceError::Unreachable(e))) => report.item(false, "reachable", e),
            Ok(Err(SourceError::Auth(e))) => {
                report.item(true, "reachable", "the tracker answers");
                report.item(false, "authenticated", e);
            }
            Ok(Err(e)) => {
                report.item(true, "reachable", "the tracker answers");
                report.item(false, "readable", e.to_string());
            }
            Ok(Ok(projects)) => {
                report.item(true, "reachable", "the tracker answers");
                report.item(true, "authenticated", "credentials accepted");
                let keys: Vec<&str> = projects.iter().map(|p| p.key.as_str()).collect();
                if keys.is_empty() {
                    report.item(
                        false,
                        "projects visible",
                        "none; check the account's access",
                    );
                } else {
                    let shown: Vec<&str> = keys.iter().take(8).copied().collect();
                    let more = if keys.len() > shown.len() {
                        ", ..."
                    } else {
                        ""
                    };
                    report.item(
                        true,
                        "projects visible",
                        format!("{}: {}{more}", keys.len(), shown.join(", ")),
                    );
                    check_trial(&mut report, source.as_mut()).await;
                }
            }
        }
    }
    report.heading(format!("store {}", data_dir.display()));
    match Store::open(data_dir) {
        Err(e) => report.item(false, "opens", e.to_string()),
        Ok(store) => {
            report.item(true, "opens", "schema current, not held by another lookout");
            match store.load() {
                Ok(p) => report.item(
                    true,
                    "readable",
                    format!(
                        "{} projects, {} tickets, {} transitions",
                        p.projects.len(),
                        p.tickets.len(),
                        p.transitions.len()
                    ),
                ),
                Err(e) => report.item(false, "readable", e.to_string()),
            }
            for s in &settings.sources {
                if let Ok(None) = store.cursor(&s.name) {
                    report.item(true, &format!("{} synced", s.name), "not yet");
                }
            }
        }
    }
    report
}
