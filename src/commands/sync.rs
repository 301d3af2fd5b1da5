//! `lookout sync`: every configured source synced without the TUI, once (a line per source,
//! for cron) or for ever (a line per sync), and the first sync a headless command needs when
//! the store is still empty.
//!
//! Lines say what arrived (`ops: 25 tickets (25 new, 0 changed, 0 deleted), ...`), never
//! cursors or record counts, and times in the local zone to the second.

use std::collections::HashMap;
use std::process::ExitCode;

use chrono::{DateTime, Local, Utc};

use crate::config::Settings;
use crate::domain::Portfolio;
use crate::store::Store;
use crate::sync::{self, SyncEvent};

/// A time as people read it in a log line: local, to the second.
fn clock(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The configured sources' data, syncing once first when the store has none yet (a fresh
/// store, or `--demo`).
pub async fn load_or_sync(settings: &Settings, store: &Store) -> anyhow::Result<Portfolio> {
    let names: Vec<String> = settings.sources.iter().map(|s| s.name.clone()).collect();
    let targets = settings.targets.clone();
    let load = |store: Store, names: Vec<String>| {
        let targets = targets.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                store.load().map(|mut p| {
                    p.retain_sources(&names);
                    p.set_targets(&targets);
                    p
                })
            })
            .await
        }
    };
    let p = load(store.clone(), names.clone()).await??;
    if !p.projects.is_empty() {
        return Ok(p);
    }
    eprintln!("the store has no data yet: syncing first");
    if once(settings, store, true).await? != ExitCode::SUCCESS {
        anyhow::bail!("the first sync failed; see the lines above");
    }
    Ok(load(store.clone(), names).await??)
}

/// What the sources resume from: only the demo tracker needs the stored portfolio, and
/// reading a large store whole before a sync doubled the memory of re-importing a big file.
async fn resumed_from(settings: &Settings, store: &Store) -> anyhow::Result<Portfolio> {
    let demo = settings.sources.iter().any(|s| s.kind.is_demo());
    if !demo {
        return Ok(Portfolio::default());
    }
    let reader = store.clone();
    Ok(tokio::task::spawn_blocking(move || reader.load()).await??)
}

/// One sync of every source, a line each on stdout (`to_stderr` keeps stdout for the
/// command's own output). Fails (exit 1) when any source failed.
pub async fn once(settings: &Settings, store: &Store, to_stderr: bool) -> anyhow::Result<ExitCode> {
    let say = |line: String| {
        // Lines quote tracker errors and warnings: nothing printed may drive the terminal.
        let line = crate::text::Clean::new(line);
        if to_stderr {
            eprintln!("{line}")
        } else {
            println!("{line}")
        }
    };
    let stored = resumed_from(settings, store).await?;
    let mut failed = false;
    for (mut source, _) in sync::build_sources(&settings.sources, &stored) {
        let name = source.name().to_string();
        match sync::sync_once(store, source.as_mut(), Utc::now()).await {
            Ok(mut r) => {
                say(format!("{name}: {}", r.summary.line()));
                match sync::retain(store, settings.retention).await {
                    Ok(Some(done)) => say(done),
                    Ok(None) => {}
                    Err(warning) => r.warnings.push(warning),
                }
                for w in &r.warnings {
                    say(format!("{name}: {w}"));
                }
            }
            Err(e) => {
                failed = true;
                say(format!("{name}: failed: {e}"));
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Every source on its interval until Ctrl-C; warnings are printed when they change, not
/// every interval.
pub async fn forever(settings: &Settings, store: Store) -> anyhow::Result<ExitCode> {
    let stored = resumed_from(settings, &store).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sources = sync::build_sources(&settings.sources, &stored);
    let _refresh = sync::spawn_all_retaining(store, sources, tx, settings.retention);
    let mut shown: HashMap<String, Vec<String>> = HashMap::new();
    loop {
        let event = tokio::select! {
            event = rx.recv() => event,
            _ = tokio::signal::ctrl_c() => return Ok(ExitCode::SUCCESS),
        };
        match event {
            Some(SyncEvent::Synced {
                source,
                summary,
                next,
                warnings,
                ..
            }) => {
                println!("{source}: {}; next at {}", summary.line(), clock(next));
                if shown.get(&source) != Some(&warnings) {
                    for w in &warnings {
                        println!("{source}: {}", crate::text::Clean::new(w.as_str()));
                    }
                    shown.insert(source, warnings);
                }
            }
            Some(SyncEvent::Failed {
                source,
                failure,
                next,
                ..
            }) => match next {
                Some(next) => println!("{source}: failed: {failure}; retry at {}", clock(next)),
                // Nobody can press a refresh key here: the sync waits for a restart.
                None => {
                    println!("{source}: failed: {failure}; not retried until lookout sync restarts")
                }
            },
            Some(SyncEvent::Started { .. }) => {}
            None => return Ok(ExitCode::SUCCESS),
        }
    }
}
