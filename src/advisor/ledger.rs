//! The ledger: the user's decisions about suggestions and the audit log, kept in the store
//! for good. Every call is a synchronous sled call: the app runs them off the UI thread.

use chrono::{DateTime, Duration, Utc};

use super::audit::{AuditEntry, AuditEvent};
use super::feedback::{self, COOLDOWN_DAYS, KindRates};
use crate::domain::{Decision, Facts, Suggestion, TrackerAction, Verdict};
use crate::store::journal::{AUDIT, DECISIONS};
use crate::store::{Store, StoreError};

#[derive(Clone)]
pub struct Ledger {
    store: Store,
    cooldown: Duration,
}

impl Ledger {
    pub fn new(store: &Store) -> Ledger {
        Ledger {
            store: store.clone(),
            cooldown: Duration::days(COOLDOWN_DAYS),
        }
    }

    /// The least time a rejected suggestion stays hidden (7 days unless set).
    pub fn with_cooldown(mut self, cooldown: Duration) -> Ledger {
        self.cooldown = cooldown;
        self
    }

    /// Every decision, oldest first.
    pub fn decisions(&self) -> Result<Vec<Decision>, StoreError> {
        Ok(self
            .store
            .records::<Decision>(DECISIONS, 0)?
            .into_iter()
            .map(|(_, d)| d)
            .collect())
    }

    /// Fresh candidates in, the list to show out: each in the state of the latest decision
    /// on its id (accepted, applied, failed, undone). A rejected one is hidden while its
    /// fingerprint matches; once its evidence changed it returns, but not before the cooldown
    /// since the rejection ("not now" returns after the cooldown whatever the evidence). A
    /// decided one whose evidence changed is Stale.
    pub fn reconcile(
        &self,
        candidates: Vec<Suggestion>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Suggestion>, StoreError> {
        Ok(feedback::reconcile(
            candidates,
            &self.decisions()?,
            now,
            self.cooldown,
        ))
    }

    /// Keeps a decision, and notes it in the audit log.
    pub fn record(&self, decision: &Decision) -> Result<(), StoreError> {
        self.store.append(DECISIONS, decision)?;
        self.store.append(
            AUDIT,
            &AuditEntry {
                at: decision.at,
                event: AuditEvent::Decision {
                    decision: decision.clone(),
                },
            },
        )?;
        Ok(())
    }

    /// Notes a tracker write in the audit log: the pre-image when it was made, why not when
    /// it was not.
    pub fn record_write(
        &self,
        source: &str,
        action: &TrackerAction,
        result: &Result<Facts, String>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (before, error) = match result {
            Ok(f) => (Some(f.clone()), None),
            Err(e) => (None, Some(crate::text::sanitize(e))),
        };
        self.store.append(
            AUDIT,
            &AuditEntry {
                at,
                event: AuditEvent::Write {
                    source: source.to_string(),
                    action: action.clone(),
                    before,
                    error,
                },
            },
        )?;
        Ok(())
    }

    /// The newest accepted decision not undone since.
    pub fn last_undoable(&self) -> Result<Option<Decision>, StoreError> {
        Ok(feedback::last_undoable(&self.decisions()?).cloned())
    }

    /// The latest decision about one suggestion.
    pub fn latest(&self, suggestion: &str) -> Result<Option<Decision>, StoreError> {
        Ok(self
            .decisions()?
            .into_iter()
            .rev()
            .find(|d| d.suggestion == suggestion))
    }

    /// Per kind: decided, accepted, rejected and undone, with rates.
    pub fn rates(&self) -> Result<Vec<KindRates>, StoreError> {
        Ok(feedback::rates(&self.decisions()?))
    }

    /// The audit log, oldest first.
    pub fn audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(self
            .store
            .records::<AuditEntry>(AUDIT, 0)?
            .into_iter()
            .map(|(_, e)| e)
            .collect())
    }

    /// The newest `n` rejections, newest first (counter-examples for a model).
    pub fn recent_rejections(&self, n: usize) -> Result<Vec<Decision>, StoreError> {
        Ok(self
            .decisions()?
            .into_iter()
            .rev()
            .filter(|d| d.verdict == Verdict::Reject)
            .take(n)
            .collect())
    }
}
