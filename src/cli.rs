//! Command-line interface: flags parsed by clap, then turned into settings and a command.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::analysis::forecast::Method;
use crate::config::{Settings, SourceSettings, data_dir};
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "lookout",
    version,
    about = "A keyboard-driven terminal dashboard for software and IT projects"
)]
pub struct Cli {
    /// Config file (default: $LOOKOUT_CONFIG, else the platform config file if it exists).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Where the store and the log live (default: $LOOKOUT_DATA_DIR, else the platform data dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Run on the built-in demo portfolio in a throwaway store; your own store is not touched.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Never write to any tracker.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Draw with ASCII only (borders of + - |), for terminals without UTF-8; automatic when
    /// the locale is not UTF-8.
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Use the sources of `[profile.NAME]` in the config, with a store of its own.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Monte Carlo forecast for one project: when its open items (or N) will be done, or how
    /// many will be done by a date.
    Forecast {
        /// The project's key (or SOURCE/KEY when two sources share it).
        #[arg(long)]
        project: String,
        /// When will this many items be done? (default: the project's open items)
        #[arg(long, conflicts_with = "by")]
        items: Option<u32>,
        /// How many items will be done by this date (YYYY-MM-DD)?
        #[arg(long, value_parser = parse_date)]
        by: Option<chrono::NaiveDate>,
        /// corrected (levels corrected by the project's own track record), calibrated or classic.
        #[arg(long, default_value = "corrected", value_parser = parse_method)]
        method: Method,
        #[arg(long, default_value = "table", value_parser = ["table", "json"])]
        format: String,
    },
    /// Rolling-origin backtest of the forecasts on a CSV of resolved tickets, or (--stalls)
    /// of stall detection on what the store holds.
    Backtest {
        /// A CSV with a header that has at least `project` and `resolved` columns.
        #[arg(long, value_name = "FILE", required_unless_present = "stalls")]
        csv: Option<PathBuf>,
        /// Check the Stalled list instead: replayed every 14 days over the store's history,
        /// each flag judged 28 days later, against a "no change for 14 days" baseline.
        #[arg(long, conflicts_with_all = ["csv", "method", "min_resolved"])]
        stalls: bool,
        /// Which forecast method to test: corrected (levels corrected by each project's
        /// own track record), calibrated or classic.
        #[arg(long, default_value = "corrected", value_parser = parse_method)]
        method: Method,
        /// `table` for people, `json` for scripts.
        #[arg(long, default_value = "table", value_parser = ["table", "json"])]
        format: String,
        /// Projects with fewer resolved tickets are left out.
        #[arg(long, default_value_t = 300)]
        min_resolved: usize,
    },
    /// Check each configured source (reachable, authenticated, projects visible) and the
    /// store; exits non-zero when something needs fixing.
    Doctor,
    /// Sync every configured source without the TUI.
    Sync {
        /// One pass, a summary line per source, then exit (non-zero if any source failed).
        #[arg(long)]
        once: bool,
    },
    /// The advisor's suggestions (or accept, reject or undo one).
    Suggestions {
        #[command(subcommand)]
        decide: Option<Decide>,
        /// `table` for people, `json` for scripts.
        #[arg(long, default_value = "table", value_parser = ["table", "json"])]
        format: String,
    },
    /// Every decision and tracker write lookout made, oldest first.
    Audit {
        #[arg(long, default_value = "table", value_parser = ["table", "json"])]
        format: String,
    },
    /// A portfolio report for a status mail, a chat or a script; exits 3 (printing nothing)
    /// when the store is older than `[report] stale_after`.
    Report(crate::commands::report::Args),
    /// Move tickets closed more than DAYS ago, with their history, time entries and notes,
    /// to a compressed archive file; flow metrics stay as they were.
    Archive {
        /// At least 30: the last 30 days' flow is read from the tickets themselves.
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(30..))]
        older_than: u32,
        /// Say what would move; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The archive file (default: archives/archive-<time>.jsonl.zst in the data dir).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Put the tickets of an archive file back into the store.
    Restore { archive: PathBuf },
    /// Write the whole store to one compressed file.
    Backup { file: PathBuf },
    /// Replace the store by a backup file.
    RestoreBackup {
        file: PathBuf,
        /// Replace a store that holds data.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum Decide {
    /// Accept a suggestion: shows what will be written to which tracker and asks first.
    Accept {
        id: String,
        /// Write without asking (for scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Reject a suggestion: it stays hidden until its evidence changes.
    Reject {
        id: String,
        #[arg(long, value_parser = crate::commands::decide::parse_reason)]
        reason: Option<crate::domain::RejectReason>,
        /// Free text kept with the decision.
        #[arg(long)]
        note: Option<String>,
    },
    /// Undo an accepted suggestion: writes the ticket's earlier values back.
    Undo {
        id: String,
        /// Write without asking (for scripts).
        #[arg(long)]
        yes: bool,
    },
}

/// Where this run keeps its store and log; a demo run's directory vanishes when it ends.
struct Workspace {
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

fn workspace(cli: &Cli) -> anyhow::Result<Workspace> {
    if cli.demo {
        let temp = tempfile::Builder::new()
            .prefix("lookout-demo-")
            .tempdir()
            .context("cannot create a temporary directory for --demo")?;
        return Ok(Workspace {
            dir: temp.path().to_path_buf(),
            _temp: Some(temp),
        });
    }
    let mut dir =
        data_dir(cli.data_dir.clone()).context("cannot find a data directory; pass --data-dir")?;
    // A profile's store is its own, so two organisations' tickets never share one.
    if let Some(profile) = &cli.profile {
        dir = dir.join("profiles").join(profile);
    }
    Ok(Workspace { dir, _temp: None })
}

fn init_logging(dir: &std::path::Path, level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LOOKOUT_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(level))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("lookout.log"))
    else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(crate::text::log::CleanLog::new(file)))
        .try_init();
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; write YYYY-MM-DD"))
}

fn parse_method(s: &str) -> Result<Method, String> {
    Method::parse(s)
        .ok_or_else(|| format!("{s:?} is not a method; use corrected, calibrated or classic"))
}

async fn suggestions(
    settings: &Settings,
    store: &Store,
    decide: Option<Decide>,
    format: &str,
) -> anyhow::Result<ExitCode> {
    use crate::commands::{decide, suggestions};
    match decide {
        None => {
            let list = suggestions::current(settings, store, chrono::Utc::now()).await?;
            if format == "json" {
                let rows: Vec<_> = list.iter().map(suggestions::to_json).collect();
                println!("{}", crate::text::json::to_string_pretty(&rows)?);
            } else {
                print!("{}", suggestions::table(&list));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Decide::Accept { id, yes }) => decide::accept(settings, store, &id, yes).await,
        Some(Decide::Reject { id, reason, note }) => {
            decide::reject(settings, store, &id, reason, note).await
        }
        Some(Decide::Undo { id, yes }) => decide::undo(settings, store, &id, yes).await,
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if cli.command.is_none() {
        crate::term::tty::require_terminal()?;
    }
    if let Some(Command::Backtest {
        csv: Some(csv),
        stalls: false,
        method,
        format,
        min_resolved,
    }) = &cli.command
    {
        // Works on a file alone: no config, no store.
        let (report, skipped) =
            crate::commands::backtest::backtest(csv, *method, *min_resolved, &Default::default())?;
        if skipped.count > 0 {
            eprintln!(
                "{}: skipped {} rows without a project or a readable resolved date (lines {:?}{})",
                crate::text::Clean::new(csv.display().to_string()),
                skipped.count,
                skipped.first_lines,
                if skipped.count > skipped.first_lines.len() {
                    ", ..."
                } else {
                    ""
                }
            );
        }
        if skipped.not_delivered > 0 {
            eprintln!(
                "{}: left out {} rows resolved without delivering (duplicate, won't fix...)",
                crate::text::Clean::new(csv.display().to_string()),
                skipped.not_delivered
            );
        }
        if format == "json" {
            println!("{}", crate::text::json::to_string_pretty(&report)?);
        } else {
            print!("{}", crate::commands::backtest::table(&report));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut settings = Settings::load(cli.config.clone())?;
    if let Some(profile) = &cli.profile {
        settings.select_profile(profile)?;
    }
    if cli.demo {
        settings.sources = vec![SourceSettings::demo()];
    }
    settings.read_only |= cli.read_only;
    settings.ascii |= cli.ascii;
    let ws = workspace(&cli)?;
    init_logging(&ws.dir, &settings.log_level);
    if let Some(Command::Doctor) = cli.command {
        // Before opening the store: a store held by another lookout is a finding, not an error.
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        let report = runtime.block_on(crate::commands::doctor::run(&settings, &ws.dir));
        for line in &report.lines {
            println!("{line}");
        }
        println!(
            "{}",
            if report.failed {
                "verdict: something needs fixing (FAIL lines above)"
            } else {
                "verdict: all good"
            }
        );
        return Ok(if report.failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    match &cli.command {
        Some(Command::Backup { file }) => return crate::commands::backup::backup(&ws.dir, file),
        Some(Command::RestoreBackup { file, force }) => {
            return crate::commands::backup::restore(&ws.dir, file, *force);
        }
        _ => {}
    }
    let store = Store::open(&ws.dir)?;
    tracing::info!(dir = %ws.dir.display(), "store opened");
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match cli.command {
        None => {
            let closing = store.clone();
            let result = runtime.block_on(crate::app::run(settings, store));
            // The dashboard holds the whole portfolio: quitting should not wait on freeing it,
            // on sled's shutdown, or on a sync task still at work (its write is atomic).
            if let Err(e) = closing.close_for_exit() {
                tracing::warn!("cannot seal the store on exit: {e}");
            }
            drop(closing);
            runtime.shutdown_background();
            result?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Sync { once: true }) => {
            runtime.block_on(crate::commands::sync::once(&settings, &store, false))
        }
        Some(Command::Sync { once: false }) => {
            runtime.block_on(crate::commands::sync::forever(&settings, store))
        }
        Some(Command::Backtest { format, .. }) => {
            let report = runtime.block_on(crate::commands::backtest::stalls(&settings, &store))?;
            if format == "json" {
                println!("{}", crate::commands::backtest::stalls_json(&report)?);
            } else {
                print!("{}", crate::commands::backtest::stalls_table(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Doctor | Command::Backup { .. } | Command::RestoreBackup { .. }) => {
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Archive {
            older_than,
            dry_run,
            out,
        }) => crate::commands::archive::archive(&store, &ws.dir, older_than, dry_run, out),
        Some(Command::Restore { archive }) => crate::commands::archive::restore(&store, &archive),
        Some(Command::Suggestions { decide, format }) => {
            runtime.block_on(suggestions(&settings, &store, decide, &format))
        }
        Some(Command::Audit { format }) => {
            let entries = crate::commands::audit::entries(&store)?;
            if format == "json" {
                println!("{}", crate::text::json::to_string_pretty(&entries)?);
            } else {
                print!("{}", crate::commands::audit::table(&entries));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Report(args)) => {
            runtime.block_on(crate::commands::report::run(&settings, &store, args))
        }
        Some(Command::Forecast {
            project,
            items,
            by,
            method,
            format,
        }) => {
            let portfolio =
                runtime.block_on(crate::commands::sync::load_or_sync(&settings, &store))?;
            let f = crate::commands::forecast::run(&portfolio, &project, items, by, method)?;
            if format == "json" {
                println!("{}", crate::text::json::to_string_pretty(&f)?);
            } else {
                print!("{}", crate::commands::forecast::table(&f));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
