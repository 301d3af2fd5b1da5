//! `lookout suggestions`: the advisor's suggestions over the store, in the state the user's
//! decisions give them, as a table or JSON for scripts (see `decide` for accept, reject and
//! undo).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::advisor::{Ledger, rules};
use crate::analysis::analyse;
use crate::config::Settings;
use crate::domain::{Evidence, Portfolio, Suggestion};
use crate::store::Store;

/// The suggestions to show now: the rules' candidates over the configured sources' data
/// (synced once first when the store has none), reconciled with the decisions.
pub async fn current(
    settings: &Settings,
    store: &Store,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Suggestion>> {
    let portfolio = super::sync::load_or_sync(settings, store).await?;
    let reader = store.clone();
    let policy = settings.stall;
    let candidates = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Suggestion>> {
        Ok(candidates(&portfolio, &reader.snapshots()?, &policy, now))
    })
    .await??;
    let ledger = Ledger::new(store);
    Ok(tokio::task::spawn_blocking(move || ledger.reconcile(candidates, now)).await??)
}

fn candidates(
    portfolio: &Portfolio,
    snapshots: &[crate::domain::Snapshot],
    policy: &crate::analysis::StallPolicy,
    now: DateTime<Utc>,
) -> Vec<Suggestion> {
    let analysis = analyse(portfolio, snapshots, now, policy);
    rules::suggest(portfolio, &analysis, &portfolio.members, now)
}

/// One suggestion as scripts read it. Every text in it is tracker or model text made safe
/// for a terminal.
#[derive(Debug, Serialize)]
pub struct SuggestionJson {
    pub id: String,
    pub kind: &'static str,
    pub subject: SubjectJson,
    /// The write accepting it makes; `null` for advisory kinds.
    pub action: Option<ActionJson>,
    pub evidence: Vec<EvidenceJson>,
    pub confidence: f64,
    pub band: &'static str,
    pub state: &'static str,
    pub rationale: String,
}

#[derive(Debug, Serialize)]
pub struct SubjectJson {
    pub source: String,
    pub project: String,
    /// The ticket's key, for a ticket.
    pub ticket: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ActionJson {
    pub source: String,
    pub ticket: String,
    pub change: crate::domain::Change,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct EvidenceJson {
    #[serde(flatten)]
    pub evidence: Evidence,
    pub text: String,
}

pub fn to_json(s: &Suggestion) -> SuggestionJson {
    let clean = crate::text::sanitize;
    SuggestionJson {
        id: clean(&s.id),
        kind: s.kind.name(),
        subject: SubjectJson {
            source: clean(s.subject.source()),
            project: clean(s.subject.project()),
            ticket: match &s.subject {
                crate::domain::Subject::Ticket { key, .. } => Some(clean(key)),
                crate::domain::Subject::Project { .. } => None,
            },
        },
        action: s.proposal.as_ref().map(|p| ActionJson {
            source: clean(&p.source),
            ticket: clean(&p.action.key),
            change: p.action.change.clone(),
            text: clean(&p.action.to_string()),
        }),
        evidence: s
            .evidence
            .iter()
            .map(|e| EvidenceJson {
                evidence: e.clone(),
                text: clean(&e.sentence()),
            })
            .collect(),
        confidence: s.confidence,
        band: s.band.label(),
        state: s.state.label(),
        rationale: clean(&s.rationale),
    }
}

/// A row per suggestion: id, state, band, kind, subject, then the rationale and the write.
pub fn table(list: &[Suggestion]) -> String {
    if list.is_empty() {
        return "no suggestions: nothing in the store calls for one now\n".to_string();
    }
    let mut out = String::new();
    for s in list {
        out.push_str(&format!(
            "{:<28} {:<8} {:<6} {:<12} {}\n",
            s.id,
            s.state.label(),
            s.band.label(),
            s.kind.label(),
            s.subject
        ));
        out.push_str(&format!("    {}\n", s.rationale));
        if let Some(p) = &s.proposal {
            out.push_str(&format!(
                "    accept writes to {}: {}\n",
                p.source, p.action
            ));
        }
    }
    // Rationales and keys are tracker or model text; the line breaks are ours.
    crate::text::clean_block_in_place(&mut out);
    out
}

/// The suggestion `id` among `list`; the error says what to run to see the ids.
pub fn find<'a>(list: &'a [Suggestion], id: &str) -> anyhow::Result<&'a Suggestion> {
    list.iter().find(|s| s.id == id).ok_or_else(|| {
        anyhow::anyhow!(
            "no suggestion {:?} is shown now (it may have been decided, or its evidence is \
             gone); run `lookout suggestions` for the current ids",
            crate::text::sanitize(id)
        )
    })
}
