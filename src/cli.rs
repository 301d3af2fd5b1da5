//! Command-line interface: flags parsed by clap, then turned into settings and a command.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use clap::{Parser, Subcommand};

use crate::analysis::forecast::Method;
use crate::config::{Settings, SourceSettings, data_dir};
use crate::store::Store;
use crate::sync::{self, SyncEvent};

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
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rolling-origin backtest of the forecasts on a CSV of resolved tickets.
    Backtest {
        /// A CSV with a header that has at least `project` and `resolved` columns.
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        /// Which forecast method to test.
        #[arg(long, default_value = "calibrated", value_parser = parse_method)]
        method: Method,
        /// `table` for people, `json` for scripts.
        #[arg(long, default_value = "table", value_parser = ["table", "json"])]
        format: String,
        /// Projects with fewer resolved tickets are left out.
        #[arg(long, default_value_t = 300)]
        min_resolved: usize,
    },
    /// Sync every configured source without the TUI.
    Sync {
        /// One pass, a summary line per source, then exit (non-zero if any source failed).
        #[arg(long)]
        once: bool,
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
    let dir =
        data_dir(cli.data_dir.clone()).context("cannot find a data directory; pass --data-dir")?;
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
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

fn parse_method(s: &str) -> Result<Method, String> {
    Method::parse(s).ok_or_else(|| format!("{s:?} is not a method; use calibrated or classic"))
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Some(Command::Backtest {
        csv,
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
                csv.display(),
                skipped.count,
                skipped.first_lines,
                if skipped.count > skipped.first_lines.len() {
                    ", ..."
                } else {
                    ""
                }
            );
        }
        if format == "json" {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", crate::commands::backtest::table(&report));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut settings = Settings::load(cli.config.clone())?;
    if cli.demo {
        settings.sources = vec![SourceSettings::demo()];
    }
    settings.read_only |= cli.read_only;
    let ws = workspace(&cli)?;
    init_logging(&ws.dir, &settings.log_level);
    let store = Store::open(&ws.dir)?;
    tracing::info!(dir = %ws.dir.display(), "store opened");
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match cli.command {
        None => {
            runtime.block_on(crate::app::run(settings, store))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Sync { once: true }) => runtime.block_on(sync_once(&settings, &store)),
        Some(Command::Sync { once: false }) => runtime.block_on(sync_forever(&settings, store)),
        Some(Command::Backtest { .. }) => Ok(ExitCode::SUCCESS),
    }
}

async fn sync_once(settings: &Settings, store: &Store) -> anyhow::Result<ExitCode> {
    let reader = store.clone();
    let stored = tokio::task::spawn_blocking(move || reader.load()).await??;
    let mut failed = false;
    for (mut source, _) in sync::build_sources(&settings.sources, &stored) {
        let name = source.name().to_string();
        match sync::sync_once(store, source.as_mut(), Utc::now()).await {
            Ok(r) => println!(
                "{name}: ok, {} records written in {:.2}s, cursor {}",
                r.changed,
                r.took.as_secs_f64(),
                r.cursor.as_deref().unwrap_or("-")
            ),
            Err(e) => {
                failed = true;
                println!("{name}: failed: {e}");
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn sync_forever(settings: &Settings, store: Store) -> anyhow::Result<ExitCode> {
    let reader = store.clone();
    let stored = tokio::task::spawn_blocking(move || reader.load()).await??;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sources = sync::build_sources(&settings.sources, &stored);
    let _refresh = sync::spawn_all(store, sources, tx);
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(SyncEvent::Synced { source, changed, next, .. }) => println!("{source}: ok, {changed} records; next at {next}"),
                Some(SyncEvent::Failed { source, error, next }) => println!("{source}: failed: {error}; retry at {next}"),
                Some(SyncEvent::Started { .. }) => {}
                None => return Ok(ExitCode::SUCCESS),
            },
            _ = tokio::signal::ctrl_c() => return Ok(ExitCode::SUCCESS),
        }
    }
}
