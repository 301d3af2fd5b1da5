//! Runs the advisor's effects for the event loop, off the UI task: suggestions after a load
//! (the rules, reconciled with the user's decisions, then the model's refinement when one is
//! configured), decisions kept in the ledger, and tracker writes through each source's writer.
//! Every result comes back as an event.
//!
//! sled is synchronous, so every ledger call runs on a blocking thread; writes and the model
//! run as tasks. The writers check the ticket before they write and refuse in read-only mode
//! whatever reaches them.

use std::sync::Arc;

use chrono::Utc;
use tokio::sync::mpsc;

use super::advice::{AiUsage, AuditEntry, KindRate, WriteOrder};
use super::event::Event;
use crate::advisor::llm::{Context, Llm, Outcome as LlmOutcome, Usage};
use crate::advisor::{self, AuditEvent, Ledger};
use crate::analysis::Analysis;
use crate::config::Settings;
use crate::domain::{Decision, Facts, Portfolio, TrackerAction};
use crate::store::Store;
use crate::sync::{WriteRequest, Writers};

/// Rejections the model is shown as counter-examples.
const COUNTER_EXAMPLES: usize = 10;

pub struct Advisor {
    /// Members are read from here for each list: a dashboard load leaves them on disk.
    store: Store,
    ledger: Ledger,
    llm: Option<Arc<Llm>>,
    /// Why the configured model cannot be used, said with every list until a restart.
    llm_error: Option<String>,
    writers: Option<Writers>,
    tx: mpsc::UnboundedSender<Event>,
}

impl Advisor {
    pub fn new(store: &Store, settings: &Settings, tx: mpsc::UnboundedSender<Event>) -> Advisor {
        let (llm, llm_error) = match &settings.ai {
            Some(ai) => match Llm::new(ai, Some(store.clone())) {
                Ok(llm) => (Some(Arc::new(llm)), None),
                Err(e) => (None, Some(e.to_string())),
            },
            None => (None, None),
        };
        Advisor {
            store: store.clone(),
            ledger: Ledger::new(store),
            llm,
            llm_error,
            writers: None,
            tx,
        }
    }

    /// Writes go through these from now on (they start with the sync tasks).
    pub fn set_writers(&mut self, writers: Writers) {
        self.writers = Some(writers);
    }

    /// The ledger's figures at start, with the last decision that can still be undone.
    pub fn feedback(&self) {
        let (ledger, tx) = (self.ledger.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || send_figures(&ledger, &tx, true));
    }

    /// The rules' candidates, reconciled with the user's decisions, then refined by the
    /// model when one is configured; whatever the model does, the rules' list stands.
    pub fn advise(&self, portfolio: Arc<Portfolio>, analysis: Arc<Analysis>, generation: u64) {
        let (ledger, tx) = (self.ledger.clone(), self.tx.clone());
        let (llm, llm_error) = (self.llm.clone(), self.llm_error.clone());
        let store = self.store.clone();
        tokio::spawn(async move {
            let now = Utc::now();
            let p = portfolio.clone();
            let refines = llm.is_some();
            let built = tokio::task::spawn_blocking(move || {
                // The dashboard's portfolio holds only the members an assign needs (see
                // `load::assign_members`); the rules weigh every member.
                let members = store.members()?;
                let candidates = advisor::rules::suggest(&p, &analysis, &members, now);
                let list = ledger.reconcile(candidates, now)?;
                let rejections = if refines {
                    ledger.recent_rejections(COUNTER_EXAMPLES)?
                } else {
                    Vec::new()
                };
                Ok::<_, crate::store::StoreError>((list, rejections))
            })
            .await;
            let (list, rejections) = match built {
                Ok(Ok(built)) => built,
                Ok(Err(e)) => {
                    tracing::warn!("cannot read the decisions to build suggestions: {e}");
                    let _ = tx.send(advised(generation, Vec::new(), Some(e.to_string()), None));
                    return;
                }
                Err(e) => {
                    tracing::error!("building suggestions stopped: {e}");
                    return;
                }
            };
            let Some(llm) = llm else {
                let _ = tx.send(advised(generation, list, llm_error, None));
                return;
            };
            let context = Context::build(&portfolio, &list, &rejections);
            let refined = llm.refine(&list, &context).await;
            let note = match refined.outcome {
                LlmOutcome::Refined { .. } | LlmOutcome::Cached => None,
                LlmOutcome::Failed(why) => Some(format!("the model failed: {why}")),
                LlmOutcome::BudgetSpent => Some("the day's model budget is spent".to_string()),
            };
            let usage = usage(&refined.usage);
            let _ = tx.send(advised(generation, refined.suggestions, note, Some(usage)));
        });
    }

    /// Keeps a decision, then reports the ledger's new figures.
    pub fn decide(&self, decision: Decision) {
        let (ledger, tx) = (self.ledger.clone(), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            if let Err(e) = ledger.record(&decision) {
                tracing::error!("cannot keep a decision about {}: {e}", decision.suggestion);
            }
            send_figures(&ledger, &tx, false);
        });
    }

    /// A confirmed write; the answer comes back as `Event::Applied`.
    pub fn apply(&self, suggestion: String, order: WriteOrder) {
        let request = WriteRequest {
            source: order.source,
            action: order.action,
            seen: order.seen,
        };
        self.write(request, move |result| Event::Applied { suggestion, result });
    }

    /// Undoes an accepted decision's write; the answer comes back as `Event::Reverted`.
    pub fn revert(&self, suggestion: String, decision: Decision) {
        let Some(request) = crate::sync::undo_request(&decision) else {
            let _ = self.tx.send(Event::Reverted {
                suggestion,
                result: Err("this decision wrote nothing that can be taken back".into()),
            });
            return;
        };
        self.write(request, move |result| Event::Reverted {
            suggestion,
            result,
        });
    }

    fn write(
        &self,
        request: WriteRequest,
        answer: impl FnOnce(Result<Facts, String>) -> Event + Send + 'static,
    ) {
        let (ledger, tx) = (self.ledger.clone(), self.tx.clone());
        let writers = self.writers.clone();
        tokio::spawn(async move {
            let (source, action) = (request.source.clone(), request.action.clone());
            let result = match writers {
                Some(w) => w
                    .apply(request)
                    .await
                    .map(|a| a.before)
                    .map_err(|e| e.to_string()),
                None => Err("the trackers' writers have not started yet; try again".into()),
            };
            let noted = result.clone();
            let _ = tokio::task::spawn_blocking(move || {
                note_write(&ledger, &source, &action, &noted);
            })
            .await;
            let _ = tx.send(answer(result));
        });
    }
}

/// Acceptance per kind and the audit log (newest first), as the ledger holds them.
fn send_figures(ledger: &Ledger, tx: &mpsc::UnboundedSender<Event>, with_undoable: bool) {
    let read = || -> Result<Event, crate::store::StoreError> {
        let rates = ledger
            .rates()?
            .into_iter()
            .map(|r| KindRate {
                kind: r.kind,
                accepted: r.accepted as u32,
                rejected: r.rejected as u32,
                undone: r.undone as u32,
            })
            .collect();
        let audit = ledger.audit()?.into_iter().rev().map(entry).collect();
        let last_undoable = if with_undoable {
            ledger.last_undoable()?
        } else {
            None
        };
        Ok(Event::Feedback {
            rates,
            audit,
            last_undoable,
        })
    };
    match read() {
        Ok(e) => {
            let _ = tx.send(e);
        }
        Err(e) => tracing::warn!("cannot read the decisions: {e}"),
    }
}

fn note_write(
    ledger: &Ledger,
    source: &str,
    action: &TrackerAction,
    result: &Result<Facts, String>,
) {
    if let Err(e) = ledger.record_write(source, action, result, Utc::now()) {
        tracing::error!("cannot note a write to {source} in the audit log: {e}");
    }
}

fn advised(
    generation: u64,
    suggestions: Vec<crate::domain::Suggestion>,
    note: Option<String>,
    usage: Option<AiUsage>,
) -> Event {
    Event::Advised {
        generation,
        suggestions,
        note,
        usage,
    }
}

fn usage(u: &Usage) -> AiUsage {
    AiUsage {
        calls: u.calls,
        tokens: u.tokens_in + u.tokens_out,
        cost: u.cost,
    }
}

fn entry(e: advisor::AuditEntry) -> AuditEntry {
    match e.event {
        AuditEvent::Decision { decision } => AuditEntry::Decision(decision),
        AuditEvent::Write {
            source,
            action,
            error,
            ..
        } => AuditEntry::Write {
            at: e.at,
            source,
            action,
            result: match error {
                Some(why) => Err(crate::text::Clean::new(why)),
                None => Ok(()),
            },
        },
    }
}
