//! The domain model: what lookout knows about projects and their work.
//!
//! Pure data with no I/O. Every entity carries the name of the source it came from so that
//! several trackers can share one store without their ids colliding.

mod archived_flow;
mod change;
mod change_set;
mod clean;
pub mod dates;
pub mod instant;
mod interner;
mod member;
mod note;
mod patch;
mod portfolio;
mod project;
mod snapshot;
mod suggestion;
mod ticket;
mod time_entry;
mod transition;

pub use archived_flow::{ArchivedDays, ArchivedFlow, ArchivedTicket, DayFlow, first_created};
pub use change::{Change, Facts, Seen, TrackerAction};
pub use change_set::{ChangeSet, Sweep};
pub use interner::Interner;
pub use member::Member;
pub use note::Note;
pub use portfolio::{Histories, Portfolio};
pub use project::Project;
pub use snapshot::Snapshot;
pub use suggestion::{
    Band, Decision, Evidence, Kind, Proposal, RejectReason, Signal, Subject, Suggestion,
    SuggestionState, Unit, Verdict,
};
pub use ticket::{Priority, StatusCategory, Ticket, is_non_delivery};
pub use time_entry::TimeEntry;
pub use transition::{Field, Transition};

/// Identifies a ticket across sources: the source's name plus the tracker's own id.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct TicketRef {
    pub source: String,
    pub id: u64,
}
