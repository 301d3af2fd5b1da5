//! `lookout suggestions accept|reject|undo ID`: the user's decisions from a script or a
//! shell. A write is shown exactly (what, to which tracker) and confirmed on the terminal
//! unless `--yes`; without a terminal and without `--yes` nothing is written.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;

use crate::advisor::Ledger;
use crate::config::Settings;
use crate::domain::{Decision, RejectReason, SuggestionState, Verdict};
use crate::store::Store;
use crate::sync::{self, WriteError, WriteRequest, Writers};
use crate::text::Clean;

/// Parses `--reason`.
pub fn parse_reason(s: &str) -> Result<RejectReason, String> {
    RejectReason::ALL
        .into_iter()
        .find(|r| r.label().replace(' ', "-") == s)
        .ok_or_else(|| {
            format!("{s:?} is not a reason; use wrong, not-now, already-handled or other")
        })
}

/// Whether writes to `source` are allowed by the settings; the error says how to allow them.
fn writable(settings: &Settings, source: &str) -> anyhow::Result<()> {
    let own = settings
        .sources
        .iter()
        .find(|s| s.name == source)
        .is_some_and(|s| s.read_only);
    if settings.read_only || own {
        bail!(WriteError::ReadOnly(source.to_string()));
    }
    Ok(())
}

/// Asks on the terminal; refuses when there is none to ask on.
fn confirmed(what: &str, yes: bool) -> anyhow::Result<bool> {
    println!("{}", Clean::new(what));
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "nothing was written: stdin is not a terminal to confirm on; pass --yes to write without asking"
        );
    }
    print!("Write this? [y/N] ");
    std::io::stdout()
        .flush()
        .context("cannot ask on the terminal")?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Sends one write through a writer for its source and notes it in the audit log.
async fn write(
    settings: &Settings,
    store: &Store,
    ledger: &Ledger,
    request: WriteRequest,
) -> Result<crate::domain::Facts, WriteError> {
    // A writer reads each ticket fresh from its tracker; nothing stored is needed.
    let none = crate::domain::Portfolio::default();
    let sources = sync::build_writers(&settings.sources, &none, store, settings.read_only);
    let writers = Writers::spawn(sources, None);
    let (source, action) = (request.source.clone(), request.action.clone());
    let result = writers.apply(request).await.map(|a| a.before);
    let noted = result.clone().map_err(|e| e.to_string());
    if let Err(e) = ledger.record_write(&source, &action, &noted, Utc::now()) {
        tracing::warn!("cannot note a write in the audit log: {e}");
    }
    result
}

pub async fn accept(
    settings: &Settings,
    store: &Store,
    id: &str,
    yes: bool,
) -> anyhow::Result<ExitCode> {
    let list = super::suggestions::current(settings, store, Utc::now()).await?;
    let s = super::suggestions::find(&list, id)?;
    if s.state == SuggestionState::Applied {
        bail!("{} was already accepted and written", Clean::new(id));
    }
    let ledger = Ledger::new(store);
    let Some(p) = &s.proposal else {
        ledger.record(&Decision::about(s, Verdict::Accept))?;
        println!(
            "accepted {} (advice only: nothing to write)",
            Clean::new(id)
        );
        return Ok(ExitCode::SUCCESS);
    };
    writable(settings, &p.source)?;
    let what = format!("will write to {}: {}", p.source, p.action);
    if !confirmed(&what, yes)? {
        println!("nothing was written");
        return Ok(ExitCode::SUCCESS);
    }
    let request = WriteRequest {
        source: p.source.clone(),
        action: p.action.clone(),
        seen: p.seen.clone(),
    };
    match write(settings, store, &ledger, request).await {
        Ok(before) => {
            let mut d = Decision::about(s, Verdict::Accept);
            d.write = Some((p.action.clone(), before));
            ledger.record(&d)?;
            println!(
                "written; `lookout suggestions undo {}` takes it back",
                Clean::new(id)
            );
            Ok(ExitCode::SUCCESS)
        }
        // The user decides again on what the tracker shows now: no decision is kept.
        Err(e @ (WriteError::Moved(_) | WriteError::ReadOnly(_))) => bail!(e),
        Err(e) => {
            ledger.record(&Decision::about(s, Verdict::Accept))?;
            bail!(e)
        }
    }
}

pub async fn reject(
    settings: &Settings,
    store: &Store,
    id: &str,
    reason: Option<RejectReason>,
    note: Option<String>,
) -> anyhow::Result<ExitCode> {
    let list = super::suggestions::current(settings, store, Utc::now()).await?;
    let s = super::suggestions::find(&list, id)?;
    let mut d = Decision::about(s, Verdict::Reject);
    d.reason = reason;
    d.note = note.map(|n| crate::text::sanitize(&n));
    Ledger::new(store).record(&d)?;
    println!(
        "rejected {}; it stays hidden until its evidence changes",
        Clean::new(id)
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn undo(
    settings: &Settings,
    store: &Store,
    id: &str,
    yes: bool,
) -> anyhow::Result<ExitCode> {
    let ledger = Ledger::new(store);
    let accepted = match ledger.latest(id)? {
        Some(d) if d.verdict == Verdict::Accept => d,
        Some(_) => bail!("{} has no accepted decision to undo", Clean::new(id)),
        None => bail!("{} was never decided", Clean::new(id)),
    };
    let mut d = accepted.clone();
    d.verdict = Verdict::Undo;
    d.at = Utc::now();
    d.write = None;
    let Some(request) = sync::undo_request(&accepted) else {
        ledger.record(&d)?;
        match sync::undo_impossible(&accepted) {
            Some(why) => println!("undo recorded; nothing written: {}", Clean::new(why)),
            None => println!("undo recorded; the decision wrote nothing"),
        }
        return Ok(ExitCode::SUCCESS);
    };
    writable(settings, &request.source)?;
    let what = format!("will write to {}: {}", request.source, request.action);
    if !confirmed(&what, yes)? {
        println!("nothing was written");
        return Ok(ExitCode::SUCCESS);
    }
    let action = request.action.clone();
    let before = write(settings, store, &ledger, request).await?;
    d.write = Some((action, before));
    ledger.record(&d)?;
    println!("undone: the ticket is back as it was");
    Ok(ExitCode::SUCCESS)
}
