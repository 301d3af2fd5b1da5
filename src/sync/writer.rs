//! The write path: a writer task per source, beside its sync task, with its own connector.
//!
//! A caller sends a `WriteRequest` (one typed change and the ticket as the user saw it) and
//! gets the answer back over a oneshot. Before writing, the writer reads the ticket fresh: if
//! it moved since the user saw it, nothing is written and the answer says what changed. The
//! facts read are the pre-image an undo restores. Read-only (global or per source) is
//! enforced here, in the task, so no request reaches a tracker whatever a caller forgets.
//! After a write the sync tasks are woken so the change shows.
//!
//! The same task answers which statuses a ticket may move to (for a "move to" picker): it
//! asks through the connector that writes, and never while a write is in flight. Listing is
//! a read, so read-only sources answer it too.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::Refresh;
use crate::domain::{Change, Decision, Facts, Priority, Seen, TrackerAction, Verdict};
use crate::sources::{Source, SourceError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteRequest {
    pub source: String,
    pub action: TrackerAction,
    pub seen: Seen,
}

/// A write that happened: the ticket's writable fields just before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub before: Facts,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    #[error(
        "{0} is read-only: nothing was written (drop --read-only, or read_only = true in the \
         config, to allow writes)"
    )]
    ReadOnly(String),
    #[error("nothing was written: the ticket changed since you saw it: {}", .0.join("; "))]
    Moved(Vec<String>),
    #[error("no source named {0:?} is configured; nothing was written")]
    UnknownSource(String),
    #[error("the write failed: {0}")]
    Failed(SourceError),
    #[error("the writer of {0} has stopped; restart lookout to write again")]
    Stopped(String),
    #[error("the tracker did not say where the ticket can move: {0}")]
    Statuses(SourceError),
}

enum Command {
    Write {
        request: WriteRequest,
        reply: oneshot::Sender<Result<Applied, WriteError>>,
    },
    Statuses {
        ticket: u64,
        key: String,
        reply: oneshot::Sender<Result<Vec<String>, WriteError>>,
    },
}

/// The writers of every source. Cheap to clone; all clones talk to the same tasks.
#[derive(Clone)]
pub struct Writers {
    tasks: Arc<HashMap<String, mpsc::UnboundedSender<Command>>>,
}

impl Writers {
    /// One writer task per source (name, connector, read-only). `refresh` wakes the sync
    /// tasks after a write. Needs a tokio runtime. See `sync::build_writers` for the
    /// connectors built from the settings.
    pub fn spawn(
        sources: Vec<(String, Box<dyn Source>, bool)>,
        refresh: Option<Refresh>,
    ) -> Writers {
        let mut tasks = HashMap::new();
        for (name, source, read_only) in sources {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(run(name.clone(), source, read_only, rx, refresh.clone()));
            tasks.insert(name, tx);
        }
        Writers {
            tasks: Arc::new(tasks),
        }
    }

    /// Makes one change, if the ticket still looks as the user saw it.
    pub async fn apply(&self, request: WriteRequest) -> Result<Applied, WriteError> {
        let name = request.source.clone();
        let (reply, answer) = oneshot::channel();
        self.send(&name, Command::Write { request, reply })?;
        answer.await.map_err(|_| WriteError::Stopped(name))?
    }

    /// The statuses the tracker lets the ticket move to now (see `Source::statuses`).
    pub async fn statuses(
        &self,
        source: &str,
        ticket: u64,
        key: &str,
    ) -> Result<Vec<String>, WriteError> {
        let (reply, answer) = oneshot::channel();
        let key = key.to_string();
        self.send(source, Command::Statuses { ticket, key, reply })?;
        answer
            .await
            .map_err(|_| WriteError::Stopped(source.to_string()))?
    }

    fn send(&self, source: &str, command: Command) -> Result<(), WriteError> {
        let task = self
            .tasks
            .get(source)
            .ok_or_else(|| WriteError::UnknownSource(source.to_string()))?;
        task.send(command)
            .map_err(|_| WriteError::Stopped(source.to_string()))
    }
}

async fn run(
    name: String,
    mut source: Box<dyn Source>,
    read_only: bool,
    mut commands: mpsc::UnboundedReceiver<Command>,
    refresh: Option<Refresh>,
) {
    while let Some(command) = commands.recv().await {
        let (request, reply) = match command {
            Command::Write { request, reply } => (request, reply),
            Command::Statuses { ticket, key, reply } => {
                let listed = source
                    .statuses(ticket, &key)
                    .await
                    .map_err(WriteError::Statuses);
                if let Err(e) = &listed {
                    tracing::warn!(source = %name, "statuses of {key}: {e}");
                }
                let _ = reply.send(listed);
                continue;
            }
        };
        let result = if read_only {
            Err(WriteError::ReadOnly(name.clone()))
        } else {
            write(source.as_mut(), &request).await
        };
        match &result {
            Ok(_) => {
                tracing::info!(source = %name, "wrote: {}", request.action);
                if let Some(r) = &refresh {
                    r.now();
                }
            }
            Err(e) => tracing::warn!(source = %name, "not written: {}: {e}", request.action),
        }
        // The caller may have gone (a closed screen): the write stands either way.
        let _ = reply.send(result);
    }
}

async fn write(source: &mut dyn Source, request: &WriteRequest) -> Result<Applied, WriteError> {
    let action = &request.action;
    let before = source
        .facts(action.ticket, &action.key)
        .await
        .map_err(WriteError::Failed)?;
    let moved = moved(&request.seen, &before);
    if !moved.is_empty() {
        return Err(WriteError::Moved(moved));
    }
    source.apply(action).await.map_err(WriteError::Failed)?;
    Ok(Applied { before })
}

/// What moved between `seen` and `now`. A person may be named by display name (as tickets
/// show them) or by login (as an undo knows them), and a status in any case.
fn moved(seen: &Seen, now: &Facts) -> Vec<String> {
    let mut seen = seen.clone();
    if seen.assignee.is_some() && seen.assignee == now.assignee_login {
        seen.assignee.clone_from(&now.assignee);
    }
    if seen.status.eq_ignore_ascii_case(&now.status) {
        seen.status.clone_from(&now.status);
    }
    seen.moved(now)
}

/// The write that undoes an accepted decision's write, checked against the state lookout
/// left. `None` when the decision wrote nothing, or wrote what a write cannot take back (a
/// comment, a label): record the undo without a write.
pub fn undo_request(decision: &Decision) -> Option<WriteRequest> {
    if decision.verdict != Verdict::Accept {
        return None;
    }
    let (action, before) = decision.write.as_ref()?;
    let mut left = Seen {
        status: before.status.clone(),
        assignee: before.assignee.clone(),
        priority: before.priority,
    };
    let back = match &action.change {
        Change::Assign { login } => {
            left.assignee = Some(login.clone());
            restore_assignee(before)
        }
        Change::Unassign => {
            left.assignee = None;
            restore_assignee(before)
        }
        Change::Transition { status } => {
            left.status.clone_from(status);
            Change::Transition {
                status: before.status.clone(),
            }
        }
        Change::SetPriority { priority } => {
            left.priority = level_of(priority);
            Change::SetPriority {
                priority: before.priority_name.clone(),
            }
        }
        Change::Comment { .. } | Change::AddLabel { .. } => return None,
    };
    Some(WriteRequest {
        source: decision.subject.source().to_string(),
        action: TrackerAction {
            ticket: action.ticket,
            key: action.key.clone(),
            change: back,
        },
        seen: left,
    })
}

/// Why an accepted decision cannot be undone by a write, if it cannot.
pub fn undo_impossible(decision: &Decision) -> Option<String> {
    let (action, _) = decision.write.as_ref()?;
    match action.change {
        Change::Comment { .. } => Some(format!(
            "a comment cannot be taken back by lookout; delete it in the tracker ({})",
            action.key
        )),
        Change::AddLabel { .. } => Some(format!(
            "lookout does not remove labels; remove it in the tracker ({})",
            action.key
        )),
        _ => None,
    }
}

fn restore_assignee(before: &Facts) -> Change {
    match &before.assignee_login {
        Some(login) => Change::Assign {
            login: login.clone(),
        },
        None => Change::Unassign,
    }
}

/// The level a priority name stands for in most trackers (Jira's and Redmine's defaults).
fn level_of(name: &str) -> Priority {
    match name.to_ascii_lowercase().as_str() {
        "highest" | "blocker" | "critical" | "urgent" | "immediate" => Priority::Highest,
        "high" | "major" => Priority::High,
        "low" | "minor" => Priority::Low,
        "lowest" | "trivial" => Priority::Lowest,
        _ => Priority::Medium,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Kind, Subject};

    fn before() -> Facts {
        Facts {
            status: "In Review".into(),
            assignee: None,
            assignee_login: None,
            priority: Priority::Low,
            priority_name: "Minor".into(),
        }
    }

    fn accepted(change: Change) -> Decision {
        Decision {
            suggestion: "s".into(),
            kind: Kind::Reassign,
            subject: Subject::Ticket {
                source: "jira".into(),
                id: 7,
                key: "OPS-7".into(),
                project: "OPS".into(),
            },
            verdict: Verdict::Accept,
            at: chrono::Utc::now(),
            reason: None,
            note: None,
            fingerprint: 1,
            write: Some((
                TrackerAction {
                    ticket: 7,
                    key: "OPS-7".into(),
                    change,
                },
                before(),
            )),
        }
    }

    #[test]
    fn an_undo_writes_the_pre_image_back_against_what_lookout_left() {
        let undo = undo_request(&accepted(Change::Assign {
            login: "acc-9".into(),
        }))
        .expect("undo");
        assert_eq!(undo.source, "jira");
        assert_eq!(undo.action.change, Change::Unassign, "nobody had it before");
        assert_eq!(undo.seen.assignee.as_deref(), Some("acc-9"));
        assert_eq!(undo.seen.status, "In Review");

        let undo = undo_request(&accepted(Change::SetPriority {
            priority: "Blocker".into(),
        }))
        .expect("undo");
        assert_eq!(
            undo.action.change,
            Change::SetPriority {
                priority: "Minor".into()
            }
        );
        assert_eq!(undo.seen.priority, Priority::Highest);

        let undo = undo_request(&accepted(Change::Transition {
            status: "Done".into(),
        }))
        .expect("undo");
        assert_eq!(
            undo.action.change,
            Change::Transition {
                status: "In Review".into()
            }
        );
        assert_eq!(undo.seen.status, "Done");
    }

    #[test]
    fn comments_and_labels_are_not_undone_by_a_write() {
        for change in [
            Change::Comment { body: "hi".into() },
            Change::AddLabel { label: "x".into() },
        ] {
            let d = accepted(change);
            assert_eq!(undo_request(&d), None);
            assert!(undo_impossible(&d).is_some_and(|m| m.contains("in the tracker")));
        }
        let mut rejected = accepted(Change::Unassign);
        rejected.verdict = Verdict::Reject;
        assert_eq!(undo_request(&rejected), None);
    }

    #[test]
    fn a_person_may_be_named_by_login_and_a_status_in_any_case() {
        let now = Facts {
            status: "In Progress".into(),
            assignee: Some("Ana Lima".into()),
            assignee_login: Some("acc-1".into()),
            priority: Priority::Medium,
            priority_name: "Medium".into(),
        };
        let seen = |status: &str, who: &str| Seen {
            status: status.into(),
            assignee: Some(who.into()),
            priority: Priority::Medium,
        };
        assert!(moved(&seen("In Progress", "Ana Lima"), &now).is_empty());
        assert!(moved(&seen("in progress", "acc-1"), &now).is_empty());
        assert_eq!(
            moved(&seen("In Progress", "acc-2"), &now),
            vec!["assignee is now Ana Lima, you saw acc-2".to_string()]
        );
    }
}
