//! `export:csv` and `export:md`: the focused list's visible rows (after its filter, in the
//! order shown, with the columns shown) written to a file in the exports folder.
//!
//! `update` only takes the rows (indices into shared data, cheap to copy); the cells are
//! made and the file written by the event loop off the UI task, so a list of 100,000 rows
//! never stalls a keypress. The status line says where the file went, or why it did not.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Local, Utc};

use super::event::Effect;
use super::mode::Mode;
use super::outcome::Outcome;
use super::state::{State, Tab, selected_project};
use crate::analysis::Analysis;
use crate::analysis::projection::{Question, ThroughputForecast};
use crate::analysis::stalled::format_days;
use crate::domain::{Portfolio, Subject, SuggestionState};
use crate::keys::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Markdown,
}

impl ExportFormat {
    fn parse(arg: &str) -> Option<ExportFormat> {
        match arg.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "md" | "markdown" => Some(ExportFormat::Markdown),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "md",
        }
    }
}

/// Cells made at once, for the short lists (a forecast's table, the suggestions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What a list shows, as the list holds it: rows are indices into the shared data.
#[derive(Debug, Clone, PartialEq)]
pub enum Rows {
    Projects {
        analysis: Arc<Analysis>,
        rows: Vec<usize>,
        /// Whether the table has a Source column (more than one source).
        source: bool,
    },
    Tickets {
        portfolio: Arc<Portfolio>,
        rows: Vec<usize>,
        /// The moment ticket ages are counted to, as on screen.
        now: DateTime<Utc>,
    },
    Stalled {
        analysis: Arc<Analysis>,
        rows: Vec<usize>,
    },
    Made(Table),
}

/// One export, ready to run off the UI task.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportJob {
    pub dir: PathBuf,
    /// The list's name, the start of the file name: `stalled-20261118-153000.csv`.
    pub name: &'static str,
    pub format: ExportFormat,
    pub rows: Rows,
}

/// Where exports go: `exports/` in the data directory (beside the store, never among sled's
/// files, which a restore replaces whole). A `--demo` run's data directory is a temporary
/// one that goes when lookout quits, and its exports should outlive it: theirs go to the
/// default data directory's `exports/`.
pub fn folder(data_dir: Option<&Path>) -> Option<PathBuf> {
    let store = data_dir?;
    let demo = store
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("lookout-demo-"));
    if demo && store.starts_with(std::env::temp_dir()) {
        return crate::config::data_dir(None).map(|d| d.join("exports"));
    }
    Some(store.join("exports"))
}

/// The palette's `export:csv` / `export:md`.
pub fn on_command(state: &mut State, command: &Command) -> Outcome {
    let Some(format) = command.arg.as_deref().and_then(ExportFormat::parse) else {
        state.message = Some(
            format!(
                "{}: export to csv or md (export:csv, export:md)",
                command.name()
            )
            .into(),
        );
        return Outcome::redraw();
    };
    let Some(dir) = state.export_dir.clone() else {
        state.message = Some("cannot export: this run has no data directory to write to".into());
        return Outcome::redraw();
    };
    let (name, rows) = match focused(state) {
        Ok(found) => found,
        Err(why) => {
            state.message = Some(format!("nothing to export: {why}").into());
            return Outcome::redraw();
        }
    };
    state.message = Some(format!("exporting {} rows...", rows.len()).into());
    Outcome::with(Effect::Export(ExportJob {
        dir,
        name,
        format,
        rows,
    }))
}

/// The list in front of the user and its name.
fn focused(state: &State) -> Result<(&'static str, Rows), String> {
    if matches!(state.modes.last(), Some(Mode::Ticket(_) | Mode::Project(_))) {
        return Err("close the detail view to export the list behind it".to_string());
    }
    if let Some(d) = &state.detail {
        return Ok((
            "tickets",
            Rows::Tickets {
                portfolio: state.portfolio.clone(),
                rows: d.list.rows.clone(),
                now: state.analysis.now.unwrap_or_else(Utc::now),
            },
        ));
    }
    match state.tab {
        Tab::Projects => Ok((
            "projects",
            Rows::Projects {
                analysis: state.analysis.clone(),
                rows: state.projects.rows.clone(),
                source: state.sources.len() > 1,
            },
        )),
        Tab::Stalled => Ok((
            "stalled",
            Rows::Stalled {
                analysis: state.analysis.clone(),
                rows: state.stalled.rows.clone(),
            },
        )),
        Tab::Forecasts => forecast_table(state).map(|t| ("forecast", Rows::Made(t))),
        Tab::Suggestions => Ok(("suggestions", Rows::Made(suggestions_table(state)))),
    }
}

/// The forecast shown for the selected project: only a result for exactly the question on
/// screen, as the tab itself draws it.
fn forecast_table(state: &State) -> Result<Table, String> {
    let project = selected_project(state).ok_or("no project is selected")?;
    let question = super::forecasts::asked(state).ok_or("nothing is open here")?;
    let f: &ThroughputForecast = state
        .forecast
        .result
        .as_deref()
        .filter(|f| {
            f.source == project.source
                && f.project == project.key
                && f.question == question
                && f.method == state.forecast.method
        })
        .ok_or("the forecast is still being simulated")?;
    let mut rows: Vec<Vec<String>> = f
        .statements
        .iter()
        .map(|s| {
            let text = match (f.question, s.value, s.date) {
                (Question::When { .. }, Some(days), Some(date)) => {
                    format!("done by {date} ({days} days)")
                }
                (Question::When { .. }, _, _) => format!("not within {} days", f.horizon_days),
                (Question::HowMany { .. }, Some(n), _) => format!("at least {n} items"),
                (Question::HowMany { .. }, None, _) => "-".to_string(),
            };
            vec![format!("{:.0}%", s.level * 100.0), text]
        })
        .collect();
    if let (Some(target), Some(chance)) = (f.target, f.chance_by_target) {
        rows.push(vec![
            format!("{:.0}%", chance * 100.0),
            format!("done by the target, {target}"),
        ]);
    }
    Ok(Table {
        columns: vec!["Chance".into(), format!("{} {}", project.key, project.name)],
        rows,
    })
}

fn suggestions_table(state: &State) -> Table {
    let list = &state.advice.list;
    let rows = state
        .advice
        .shown
        .iter()
        .filter_map(|&i| list.get(i))
        .map(|s| {
            let subject = match &s.subject {
                Subject::Ticket { key, .. } | Subject::Project { key, .. } => key.to_string(),
            };
            let st = if state.advice.in_flight(&s.id) {
                "writing".to_string()
            } else if s.state == SuggestionState::Pending {
                String::new()
            } else {
                s.state.label().to_string()
            };
            vec![
                s.kind.label().to_string(),
                subject,
                s.band.label().to_string(),
                st,
                s.rationale.to_string(),
            ]
        })
        .collect();
    Table {
        columns: ["Kind", "Subject", "Band", "State", "Why"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

impl Rows {
    pub fn len(&self) -> usize {
        match self {
            Rows::Projects { rows, .. }
            | Rows::Tickets { rows, .. }
            | Rows::Stalled { rows, .. } => rows.len(),
            Rows::Made(t) => t.rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn columns(&self) -> Vec<String> {
        let names: &[&str] = match self {
            Rows::Projects { source: true, .. } => &[
                "Project", "Source", "Open", "WIP", "Done30d", "Stalled", "Oldest",
            ],
            Rows::Projects { .. } => &["Project", "Open", "WIP", "Done30d", "Stalled", "Oldest"],
            Rows::Tickets { .. } => &["Key", "Status", "Assignee", "Prio", "Updated", "Title"],
            Rows::Stalled { .. } => &["Key", "Title", "Status", "Assignee", "In status", "Reason"],
            Rows::Made(t) => return t.columns.clone(),
        };
        names.iter().map(|s| s.to_string()).collect()
    }

    /// Each row's cells, in screen order, one at a time: a long list is never held twice.
    fn each(&self, mut row: impl FnMut(&[String]) -> anyhow::Result<()>) -> anyhow::Result<()> {
        let opt = |v: Option<&str>| v.unwrap_or_default().to_string();
        match self {
            Rows::Projects {
                analysis,
                rows,
                source,
            } => {
                for &i in rows {
                    let Some(p) = analysis.projects.get(i) else {
                        continue;
                    };
                    let mut cells = vec![format!("{} {}", p.key, p.name)];
                    if *source {
                        cells.push(p.source.to_string());
                    }
                    cells.extend([
                        p.todo.to_string(),
                        p.in_progress.to_string(),
                        p.done_30d.to_string(),
                        p.stalled.to_string(),
                        p.oldest_wip_days.map(format_days).unwrap_or_default(),
                    ]);
                    row(&cells)?;
                }
            }
            Rows::Tickets {
                portfolio,
                rows,
                now,
            } => {
                for &i in rows {
                    let Some(t) = portfolio.tickets.get(i) else {
                        continue;
                    };
                    row(&[
                        t.key.to_string(),
                        t.status.to_string(),
                        opt(t.assignee.as_deref()),
                        t.priority.label().to_string(),
                        format_days(crate::analysis::flow::days(*now - t.updated)),
                        t.title.to_string(),
                    ])?;
                }
            }
            Rows::Stalled { analysis, rows } => {
                for &i in rows {
                    let Some(s) = analysis.stalled.get(i) else {
                        continue;
                    };
                    row(&[
                        s.key.to_string(),
                        s.title.to_string(),
                        s.status.to_string(),
                        opt(s.assignee.as_deref()),
                        format_days(s.in_status_days),
                        s.reason.to_string(),
                    ])?;
                }
            }
            Rows::Made(t) => {
                for r in &t.rows {
                    row(r)?;
                }
            }
        }
        Ok(())
    }
}

impl ExportJob {
    /// Writes the file now and says what came of it, for the status line.
    pub fn run(self) -> String {
        match self.write(Local::now()) {
            // The file's name first: at 80 columns the status line keeps that and cuts the
            // folder, which is the same every time.
            Ok((path, n)) => match (path.file_name(), path.parent()) {
                (Some(file), Some(dir)) => format!(
                    "exported {n} rows to {} in {}",
                    file.to_string_lossy(),
                    dir.display()
                ),
                _ => format!("exported {n} rows to {}", path.display()),
            },
            Err(e) => format!("export failed: {e:#}"),
        }
    }

    /// Writes `<name>-<YYYYMMDD-HHMMSS>.<ext>` into the exports folder, atomically (a
    /// temporary file renamed into place); returns the path and the rows written.
    pub fn write(&self, at: DateTime<Local>) -> anyhow::Result<(PathBuf, usize)> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".export-")
            .tempfile_in(&self.dir)
            .with_context(|| format!("cannot write in {}", self.dir.display()))?;
        let n = {
            let out = std::io::BufWriter::new(temp.as_file_mut());
            match self.format {
                ExportFormat::Csv => write_csv(out, &self.rows)?,
                ExportFormat::Markdown => write_markdown(out, &self.rows)?,
            }
        };
        temp.as_file()
            .sync_all()
            .context("cannot flush the export")?;
        let stem = format!("{}-{}", self.name, at.format("%Y%m%d-%H%M%S"));
        let path = place(temp, &self.dir, &stem, self.format.extension())?;
        Ok((path, n))
    }
}

/// Renames the finished file into place under the first free name: a second export within
/// the same second gets `-2`, never overwrites the first.
fn place(
    mut temp: tempfile::NamedTempFile,
    dir: &Path,
    stem: &str,
    ext: &str,
) -> anyhow::Result<PathBuf> {
    for n in 1..100 {
        let path = if n == 1 {
            dir.join(format!("{stem}.{ext}"))
        } else {
            dir.join(format!("{stem}-{n}.{ext}"))
        };
        match temp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => {
                return Err(e.error).with_context(|| format!("cannot write {}", path.display()));
            }
        }
    }
    anyhow::bail!("{} holds too many exports named {stem}", dir.display())
}

/// A cell as a file may hold it: tracker text is cleaned already, but a line break or an
/// escape sequence from a newer path would still break a row.
fn clean(cell: &str) -> std::borrow::Cow<'_, str> {
    crate::text::sanitize_cow(cell)
}

/// A cell for a spreadsheet: the report's guard against cells that run as formulas.
pub fn csv_cell(cell: &str) -> String {
    crate::report::tables::text(&clean(cell))
}

/// A cell in a Markdown table, escaped as the report's tables are.
pub fn markdown_cell(cell: &str) -> String {
    crate::report::markdown::cell(&clean(cell))
}

fn write_csv(out: impl std::io::Write, rows: &Rows) -> anyhow::Result<usize> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(rows.columns().iter().map(|c| csv_cell(c)))?;
    let mut n = 0;
    rows.each(|cells| {
        w.write_record(cells.iter().map(|c| csv_cell(c)))?;
        n += 1;
        Ok(())
    })?;
    w.flush()?;
    Ok(n)
}

fn write_markdown(mut out: impl std::io::Write, rows: &Rows) -> anyhow::Result<usize> {
    let columns = rows.columns();
    let mut line = String::new();
    let mut emit = |cells: &mut dyn Iterator<Item = String>,
                    out: &mut dyn std::io::Write|
     -> anyhow::Result<()> {
        line.clear();
        line.push('|');
        for c in cells {
            // Writing to a String cannot fail.
            let _ = write!(line, " {c} |");
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        Ok(())
    };
    emit(&mut columns.iter().map(|c| markdown_cell(c)), &mut out)?;
    emit(&mut columns.iter().map(|_| "---".to_string()), &mut out)?;
    let mut n = 0;
    rows.each(|cells| {
        emit(&mut cells.iter().map(|c| markdown_cell(c)), &mut out)?;
        n += 1;
        Ok(())
    })?;
    out.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_go_to_the_data_directory_not_among_the_store_s_files() {
        let data = Path::new("/srv/lookout");
        assert_eq!(folder(Some(data)), Some(data.join("exports")));
        assert_eq!(folder(None), None);
        let demo = std::env::temp_dir().join("lookout-demo-x1");
        assert_ne!(
            folder(Some(&demo)),
            Some(demo.join("exports")),
            "a demo's directory goes when it quits"
        );
    }

    fn table(rows: &[&[&str]]) -> Rows {
        Rows::Made(Table {
            columns: vec!["A".into(), "B".into()],
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        })
    }

    #[test]
    fn csv_guards_formulas_and_keeps_the_rest_as_written() {
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@me"), "'@me");
        assert_eq!(csv_cell("a=b, \"c\""), "a=b, \"c\"");
        let mut out = Vec::new();
        let n = write_csv(
            &mut out,
            &table(&[&["=1+1", "x,\"y\""], &["line\nbreak", ""]]),
        )
        .expect("writes");
        assert_eq!(n, 2);
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text, "A,B\n'=1+1,\"x,\"\"y\"\"\"\nline break,\n");
    }

    #[test]
    fn markdown_escapes_pipes_and_backslashes_one_row_per_line() {
        assert_eq!(markdown_cell(r"a|b\c"), r"a\|b\\c");
        let mut out = Vec::new();
        let n = write_markdown(&mut out, &table(&[&["x | y", "two\nlines"]])).expect("writes");
        assert_eq!(n, 1);
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text, "| A | B |\n| --- | --- |\n| x \\| y | two lines |\n");
    }

    #[test]
    fn a_second_export_in_the_same_second_does_not_overwrite_the_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let job = ExportJob {
            dir: dir.path().join("exports"),
            name: "stalled",
            format: ExportFormat::Csv,
            rows: table(&[&["1", "2"]]),
        };
        let at = Local::now();
        let (first, _) = job.write(at).expect("writes");
        let (second, _) = job.write(at).expect("writes");
        assert_ne!(first, second);
        let name = first.file_name().and_then(|n| n.to_str()).expect("a name");
        assert_eq!(name, format!("stalled-{}.csv", at.format("%Y%m%d-%H%M%S")));
        let left: Vec<_> = std::fs::read_dir(dir.path().join("exports"))
            .expect("lists")
            .collect();
        assert_eq!(left.len(), 2, "no temporary file left behind");
    }
}
