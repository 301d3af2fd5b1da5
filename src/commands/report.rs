//! `lookout report`: the portfolio report in a format, to stdout or to files, for a person or
//! a cron job. A stale store is refused (exit 3, nothing on stdout), so a scheduled mail never
//! passes old numbers off as this week's.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::NaiveDate;

use crate::config::Settings;
use crate::report::build::{Options, build};
use crate::report::{Report, html, json, markdown, tables};
use crate::store::Store;

/// The exit code of a refusal to report from a stale store.
pub const STALE_EXIT: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    Json,
    Html,
}

pub fn parse_format(s: &str) -> Result<Format, String> {
    match s {
        "md" | "markdown" => Ok(Format::Markdown),
        "csv" => Ok(Format::Csv),
        "json" => Ok(Format::Json),
        "html" => Ok(Format::Html),
        _ => Err(format!(
            "{s:?} is not a report format; use md, csv, json or html"
        )),
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Only this project (KEY or SOURCE/KEY); repeat for more. Default: every project.
    #[arg(long = "project", value_name = "KEY")]
    pub projects: Vec<String>,
    /// `md`, `csv` (with --out DIR or --table NAME), `json` or `html` (one self-contained page).
    #[arg(long, default_value = "md", value_parser = parse_format)]
    pub format: Format,
    /// Write here instead of stdout (a directory for every CSV table); written whole or not
    /// at all.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Decisions taken on or after this day (YYYY-MM-DD, UTC; default: 7 days ago).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub since: Option<NaiveDate>,
    /// One CSV table: projects, health, throughput, aging, stalled, forecasts, suggestions or
    /// decisions.
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; write YYYY-MM-DD"))
}

/// What a format makes: one document, or one file per table.
enum Output {
    One(String),
    Files(Vec<(String, String)>),
}

pub async fn run(settings: &Settings, store: &Store, args: Args) -> anyhow::Result<ExitCode> {
    // Usage mistakes first: a cron job should not sync to learn its flags were wrong.
    if let Some(name) = &args.table {
        if args.format != Format::Csv {
            bail!("--table picks a CSV table; add --format csv");
        }
        tables::check_name(name)?;
    } else if args.format == Format::Csv && args.out.is_none() {
        bail!(
            "--format csv writes one file per table: give --out DIR for all of them, or \
             --table NAME for one on stdout (tables: {})",
            tables::NAMES.join(", ")
        );
    }
    let opts = Options {
        projects: args.projects.clone(),
        since: args.since,
        now: None,
    };
    let report = build(settings, store, &opts).await?;
    if let Some(line) = stale_line(settings, store, &report)? {
        eprintln!("lookout: {line}");
        return Ok(ExitCode::from(STALE_EXIT));
    }
    let output = match args.format {
        Format::Markdown => Output::One(markdown::render(&report)),
        Format::Json => Output::One(json::render(&report)?),
        Format::Html => Output::One(html::render(&report)?),
        Format::Csv => match &args.table {
            Some(name) => Output::One(tables::table(&report, name)?),
            None => Output::Files(
                tables::NAMES
                    .iter()
                    .map(|name| Ok((format!("{name}.csv"), tables::table(&report, name)?)))
                    .collect::<anyhow::Result<_>>()?,
            ),
        },
    };
    match (output, &args.out) {
        (Output::One(text), None) => print!("{text}"),
        (Output::One(text), Some(file)) => write_atomically(file, &text)?,
        (Output::Files(files), Some(dir)) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the directory {}", dir.display()))?;
            for (name, text) in files {
                write_atomically(&dir.join(name), &text)?;
            }
        }
        (Output::Files(_), None) => bail!("--out DIR is needed to write every table"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`: a reader
/// (or a mail job) sees the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".lookout-report-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    // A temporary file is private (0600): the report keeps the permissions of the file it
    // replaces, else gets those of an ordinary new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        tmp.as_file()
            .set_permissions(mode)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Why the store is too old to report from, in one line; `None` when it is fresh enough.
pub fn stale_line(
    settings: &Settings,
    store: &Store,
    report: &Report,
) -> anyhow::Result<Option<String>> {
    let Some(limit) = settings.report.stale_after else {
        return Ok(None);
    };
    let setting = match (&settings.file, settings.report.stale_after_set) {
        (Some(file), true) => format!(
            "stale_after = {} in {}",
            settings.report.stale_after_text,
            crate::text::sanitize(&file.display().to_string())
        ),
        _ => format!(
            "stale_after = {} by default; set it under [report] in the config",
            settings.report.stale_after_text
        ),
    };
    let fix = "run `lookout sync --once` first";
    let Some(at) = report.data_as_of else {
        let mut never = Vec::new();
        for s in &settings.sources {
            if store.last_synced(&s.name)?.is_none() {
                never.push(crate::text::sanitize(&s.name));
            }
        }
        return Ok(Some(format!(
            "the store is stale: {} never synced ({setting}); {fix}",
            if never.is_empty() {
                "a source has".to_string()
            } else {
                format!("{} has", never.join(", "))
            }
        )));
    };
    let age = report.generated_at - at;
    let too_old = age.to_std().is_ok_and(|a| a > limit);
    Ok(too_old.then(|| {
        format!(
            "the store is stale: last sync {} ago ({setting}); {fix}",
            ago(age)
        )
    }))
}

/// "3 days", "5 hours", "12 minutes".
fn ago(d: chrono::Duration) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match (d.num_days(), d.num_hours(), d.num_minutes()) {
        (days, _, _) if days >= 1 => plural(days, "day"),
        (_, hours, _) if hours >= 1 => plural(hours, "hour"),
        (_, _, mins) => plural(mins.max(0), "minute"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_in_the_largest_whole_unit() {
        assert_eq!(ago(chrono::Duration::hours(75)), "3 days");
        assert_eq!(ago(chrono::Duration::hours(1)), "1 hour");
        assert_eq!(ago(chrono::Duration::seconds(30)), "0 minutes");
    }

    #[test]
    fn only_the_report_formats_parse() {
        assert_eq!(parse_format("md"), Ok(Format::Markdown));
        assert_eq!(parse_format("json"), Ok(Format::Json));
        assert_eq!(parse_format("html"), Ok(Format::Html));
        assert!(parse_format("pdf").is_err());
    }
}
