//! Many writes at once (the same change to every marked ticket): one at a time, in the
//! order given, each through its source's writer with its own precondition, and a progress
//! report after each so the screen can count them off.
//!
//! A failure never stops the rest: the user marked each ticket on its own merits, and a
//! ticket that moved or a tracker that refused one says nothing about the next. Every
//! request ends in the summary, succeeded or failed with why; none is silently dropped.

use std::fmt;

use tokio::sync::mpsc;

use super::writer::{WriteError, WriteRequest, Writers};
use crate::domain::Facts;

/// Where a bulk write is: `done` of `total` answered, and the last one's key and outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkProgress {
    pub done: usize,
    pub total: usize,
    pub last: (String, Result<(), String>),
}

/// What a bulk write did: each written ticket's key with its fields just before (what an
/// undo restores), and each failed one's key with why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkSummary {
    pub succeeded: Vec<(String, Facts)>,
    pub failed: Vec<(String, String)>,
}

impl fmt::Display for BulkSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} succeeded, {} failed",
            self.succeeded.len(),
            self.failed.len()
        )?;
        let mut sep = ": ";
        for (key, why) in &self.failed {
            write!(f, "{sep}{key}: {why}")?;
            sep = "; ";
        }
        Ok(())
    }
}

/// Each item sent (a request, or what stands for one) with what came of it: the ticket's
/// fields before the write, or why not; matched by the ticket key `key` gives, in order.
pub fn bulk_results<'r, T>(
    sent: &'r [T],
    key: impl Fn(&T) -> &str,
    summary: &BulkSummary,
) -> Vec<(&'r T, Result<Facts, String>)> {
    let mut ok: Vec<&(String, Facts)> = summary.succeeded.iter().collect();
    let mut failed: Vec<&(String, String)> = summary.failed.iter().collect();
    sent.iter()
        .filter_map(|r| {
            let key = key(r);
            // A key may repeat across sources: each answer is used once, in order.
            if let Some(i) = ok.iter().position(|(k, _)| k == key) {
                return Some((r, Ok(ok.remove(i).1.clone())));
            }
            let i = failed.iter().position(|(k, _)| k == key)?;
            Some((r, Err(failed.remove(i).1.clone())))
        })
        .collect()
}

/// Writes `requests` one after another and reports each to `progress` (a closed receiver
/// stops the reports, not the writes: what the user confirmed goes on).
pub async fn run_bulk(
    writers: &Writers,
    requests: Vec<WriteRequest>,
    progress: mpsc::UnboundedSender<BulkProgress>,
) -> BulkSummary {
    let total = requests.len();
    let mut summary = BulkSummary::default();
    // A writer that stopped stays stopped: its remaining requests fail with the same reason
    // without being sent to a task that is gone.
    let mut stopped: Vec<(String, String)> = Vec::new();
    for (i, request) in requests.into_iter().enumerate() {
        let key = request.action.key.clone();
        let known = stopped
            .iter()
            .find(|(source, _)| *source == request.source)
            .map(|(_, why)| why.clone());
        let outcome = match known {
            Some(why) => Err(why),
            None => {
                let source = request.source.clone();
                match writers.apply(request).await {
                    Ok(applied) => Ok(applied.before),
                    Err(e) => {
                        if matches!(e, WriteError::Stopped(_)) {
                            stopped.push((source, e.to_string()));
                        }
                        // Errors quote tracker answers: one clean line each, for the screen.
                        Err(crate::text::sanitize(&e.to_string()))
                    }
                }
            }
        };
        let last = match outcome {
            Ok(before) => {
                summary.succeeded.push((key.clone(), before));
                (key, Ok(()))
            }
            Err(why) => {
                summary.failed.push((key.clone(), why.clone()));
                (key, Err(why))
            }
        };
        let _ = progress.send(BulkProgress {
            done: i + 1,
            total,
            last,
        });
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_pair_each_sent_ticket_once_even_when_keys_repeat() {
        let facts = |s: &str| Facts {
            status: s.into(),
            assignee: None,
            assignee_login: None,
            priority: crate::domain::Priority::Low,
            priority_name: "Low".into(),
        };
        let summary = BulkSummary {
            succeeded: vec![("A-1".into(), facts("one")), ("A-1".into(), facts("two"))],
            failed: vec![("B-2".into(), "HTTP 500".into())],
        };
        let sent = ["A-1", "B-2", "A-1", "C-3"];
        let got: Vec<(&str, Result<String, String>)> = bulk_results(&sent, |k| k, &summary)
            .into_iter()
            .map(|(k, r)| (*k, r.map(|f| f.status)))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A-1", Ok("one".to_string())),
                ("B-2", Err("HTTP 500".to_string())),
                ("A-1", Ok("two".to_string())),
            ],
            "a ticket without an answer is left out"
        );
    }
    use crate::domain::Priority;

    fn facts() -> Facts {
        Facts {
            status: "To Do".into(),
            assignee: None,
            assignee_login: None,
            priority: Priority::Medium,
            priority_name: "Medium".into(),
        }
    }

    #[test]
    fn the_summary_names_each_failure_on_one_line() {
        let s = BulkSummary {
            succeeded: vec![("PROJ-1".into(), facts()), ("PROJ-2".into(), facts())],
            failed: vec![
                ("PROJ-9".into(), "nothing was written: moved".into()),
                ("PROJ-4".into(), "the write failed: 403".into()),
            ],
        };
        assert_eq!(
            s.to_string(),
            "2 succeeded, 2 failed: PROJ-9: nothing was written: moved; PROJ-4: the write \
             failed: 403"
        );
        let clean = BulkSummary {
            succeeded: vec![("PROJ-1".into(), facts())],
            failed: vec![],
        };
        assert_eq!(clean.to_string(), "1 succeeded, 0 failed");
    }

    /// A tracker whose writer dies on the ticket `dies_on`.
    struct Dying {
        dies_on: &'static str,
    }

    impl crate::sources::Source for Dying {
        fn name(&self) -> &str {
            "dying"
        }
        fn fetch<'a>(
            &'a mut self,
            _: Option<String>,
            _: chrono::DateTime<chrono::Utc>,
        ) -> futures::future::BoxFuture<
            'a,
            Result<crate::domain::ChangeSet, crate::sources::SourceError>,
        > {
            Box::pin(async { Ok(crate::domain::ChangeSet::new("dying")) })
        }
        fn facts<'a>(
            &'a mut self,
            _: u64,
            _: &'a str,
        ) -> futures::future::BoxFuture<'a, Result<Facts, crate::sources::SourceError>> {
            Box::pin(async { Ok(facts()) })
        }
        fn apply<'a>(
            &'a mut self,
            action: &'a crate::domain::TrackerAction,
        ) -> futures::future::BoxFuture<'a, Result<(), crate::sources::SourceError>> {
            let dies = action.key == self.dies_on;
            Box::pin(async move {
                assert!(!dies, "the writer task dies here");
                Ok(())
            })
        }
    }

    fn request(source: &str, key: &str) -> WriteRequest {
        WriteRequest {
            source: source.into(),
            action: crate::domain::TrackerAction {
                ticket: 1,
                key: key.into(),
                change: crate::domain::Change::Unassign,
            },
            seen: crate::domain::Seen {
                status: "To Do".into(),
                assignee: None,
                priority: Priority::Medium,
            },
        }
    }

    #[tokio::test]
    async fn when_the_writer_stops_midway_the_rest_are_reported_failed() {
        let source: Box<dyn crate::sources::Source> = Box::new(Dying { dies_on: "A-2" });
        let writers = Writers::spawn(vec![("dying".into(), source, false)], None);
        let requests = ["A-1", "A-2", "A-3", "A-4"]
            .map(|k| request("dying", k))
            .to_vec();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let summary = run_bulk(&writers, requests, tx).await;
        assert_eq!(summary.succeeded.len(), 1);
        assert_eq!(summary.succeeded[0].0, "A-1");
        let failed: Vec<&str> = summary.failed.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(failed, ["A-2", "A-3", "A-4"]);
        assert!(
            summary.failed.iter().all(|f| f.1.contains("has stopped")),
            "{summary}"
        );
        let mut reports = 0;
        while rx.try_recv().is_ok() {
            reports += 1;
        }
        assert_eq!(reports, 4, "one report per request, none dropped");
    }

    #[tokio::test]
    async fn a_source_nobody_configured_fails_each_request_and_the_rest_go_on() {
        let writers = Writers::spawn(Vec::new(), None);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let requests = vec![request("nowhere", "A-1"), request("nowhere", "A-2")];
        let summary = run_bulk(&writers, requests, tx).await;
        assert_eq!(summary.failed.len(), 2);
        assert!(summary.failed[1].1.contains("no source named"), "{summary}");
        let mut seen = Vec::new();
        while let Ok(p) = rx.try_recv() {
            seen.push((p.done, p.total, p.last.0));
        }
        assert_eq!(seen, [(1, 2, "A-1".into()), (2, 2, "A-2".into())]);
    }
}
