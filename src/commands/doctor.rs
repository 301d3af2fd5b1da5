//! `lookout doctor`: checks each configured source (reachable, authenticated, projects
//! visible, the sync's own search on one page) and the store, and prints a verdict per item.

use std::path::Path;
use std::time::Duration;

use crate::config::Settings;
use crate::domain::Portfolio;
use crate::sources::{Source, SourceError};
use crate::store::{Store, StoreError};
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

    /// Advice under a failed item: not a verdict of its own.
    fn note(&mut self, what: &str, detail: impl AsRef<str>) {
        let detail = crate::text::sanitize_cow(detail.as_ref());
        self.lines.push(format!("  note  {what}: {detail}"));
    }

    fn heading(&mut self, text: String) {
        self.lines.push(crate::text::sanitize(&text));
    }
}

/// A file source has no server or credentials: the questions are whether it reads, what it
/// holds and which rows it would skip. A large file comes in batches: all are read, none kept.
async fn check_file(report: &mut Report, source: &mut dyn Source) {
    let mut cursor = None;
    let mut tickets = 0;
    let mut projects = std::collections::BTreeSet::new();
    let mut warnings = Vec::new();
    loop {
        match source.fetch(cursor.take(), chrono::Utc::now()).await {
            Err(e) => return report.item(false, "readable", e.to_string()),
            Ok(changes) => {
                tickets += changes.tickets.len();
                projects.extend(changes.projects.into_iter().map(|p| p.key));
                warnings.extend(changes.warnings);
                warnings.extend(changes.standing_warnings.unwrap_or_default());
                if !changes.more {
                    break;
                }
                cursor = changes.cursor;
            }
        }
    }
    report.item(
        tickets > 0,
        "readable",
        format!("{tickets} tickets in {} projects", projects.len()),
    );
    if !warnings.is_empty() {
        // Skipped rows are reported, not fatal: the rest imports.
        report.item(true, "rows skipped", warnings.join("; "));
    }
}

/// Runs the query a sync runs, bounded to one page: a tracker can accept the credentials and
/// list the projects, and still refuse the search or send issues a sync cannot read. False
/// when the tracker refused it, which the account's rights may explain.
async fn check_trial(report: &mut Report, source: &mut dyn Source) -> bool {
    match tokio::time::timeout(PATIENCE, source.trial()).await {
        Err(_) => {
            report.item(false, "trial search", "no answer within a minute");
            true
        }
        Ok(Err(e)) => {
            report.item(false, "trial search", e.to_string());
            false
        }
        Ok(Ok(None)) => true,
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
            true
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
        report.heading(format!("source {} ({})", s.name, s.kind.describe()));
        if s.kind.is_file() {
            check_file(&mut report, source.as_mut()).await;
            continue;
        }
        if check_server(&mut report, source.as_mut()).await == Access::Doubtful
            && let Some(access) = s.kind.access()
        {
            report.note("needs", access);
        }
    }
    report.heading(format!("store {}", data_dir.display()));
    check_store(&mut report, settings, data_dir);
    report
}

/// Whether the credentials or the account's rights may be what went wrong.
#[derive(PartialEq)]
enum Access {
    Fine,
    Doubtful,
}

/// Reachable, authenticated, projects visible, and the sync's own search on one page.
async fn check_server(report: &mut Report, source: &mut dyn Source) -> Access {
    let projects = match tokio::time::timeout(PATIENCE, source.projects()).await {
        Err(_) => {
            report.item(false, "reachable", "no answer within a minute");
            return Access::Fine;
        }
        Ok(Err(SourceError::Unreachable(e))) => {
            report.item(false, "reachable", e);
            return Access::Fine;
        }
        Ok(Err(SourceError::Config(e))) => {
            report.item(false, "configured", e);
            return Access::Doubtful;
        }
        Ok(Err(SourceError::Auth(e))) => {
            report.item(true, "reachable", "the tracker answers");
            report.item(false, "authenticated", e);
            return Access::Doubtful;
        }
        Ok(Err(e)) => {
            report.item(true, "reachable", "the tracker answers");
            report.item(false, "readable", e.to_string());
            return Access::Doubtful;
        }
        Ok(Ok(projects)) => projects,
    };
    report.item(true, "reachable", "the tracker answers");
    report.item(true, "authenticated", "credentials accepted");
    let keys: Vec<&str> = projects.iter().map(|p| p.key.as_str()).collect();
    if keys.is_empty() {
        report.item(
            false,
            "projects visible",
            "none; check the account's access",
        );
        return Access::Doubtful;
    }
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
    if check_trial(report, source).await {
        Access::Fine
    } else {
        Access::Doubtful
    }
}

/// The store, looked at without changing it: `Store::inspect` reads a private copy, so doctor
/// never migrates, writes or takes the store from a running lookout.
fn check_store(report: &mut Report, settings: &Settings, data_dir: &Path) {
    let inspection = match Store::inspect(data_dir) {
        Ok(Some(i)) => i,
        Ok(None) => {
            report.item(true, "opens", "no store yet; the first sync creates it");
            return;
        }
        // Another lookout at work is not a fault of the store.
        Err(StoreError::Locked { holder, .. }) => {
            report.item(
                true,
                "opens",
                format!("in use by {holder}; its contents are not checked while it runs"),
            );
            return;
        }
        Err(e) => {
            report.item(false, "opens", e.to_string());
            return;
        }
    };
    let schema = match inspection.migration() {
        Some((from, to)) => format!(
            "schema {from}; the next start or sync migrates it to schema {to} (doctor changed \
             nothing)"
        ),
        None => "schema current".to_string(),
    };
    let closed = if inspection.closed_cleanly {
        "closed cleanly"
    } else {
        "not closed cleanly last time, a copy reads back whole"
    };
    report.item(true, "opens", format!("{schema}; {closed}"));
    let store = &inspection.store;
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
