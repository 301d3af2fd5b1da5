//! A board status's place in the flow: ConnectWise flags closed statuses; the rest are
//! placed by their names, which boards choose freely.

use crate::domain::StatusCategory;

/// Words that mean work has started, or started and now waits on someone (lookout has no
/// waiting category: a ticket waiting on a customer is open work whose age matters).
const STARTED: [&str; 12] = [
    "progress",
    "working",
    "assigned",
    "scheduled",
    "review",
    "waiting",
    "wait",
    "pending",
    "hold",
    "responded",
    "escalat",
    "dispatch",
];

pub fn category(name: &str, closed: bool) -> StatusCategory {
    if closed {
        return StatusCategory::Done;
    }
    let lower = name.to_ascii_lowercase();
    if STARTED.iter().any(|w| lower.contains(w)) {
        StatusCategory::InProgress
    } else {
        StatusCategory::Todo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closed_flag_wins_and_names_place_the_rest() {
        assert_eq!(category("Completed", true), StatusCategory::Done);
        assert_eq!(category("In Progress", true), StatusCategory::Done);
        assert_eq!(category("New", false), StatusCategory::Todo);
        assert_eq!(category("New (email)", false), StatusCategory::Todo);
        assert_eq!(category("In Progress", false), StatusCategory::InProgress);
        assert_eq!(
            category("Waiting Customer", false),
            StatusCategory::InProgress
        );
        assert_eq!(category(">Scheduled", false), StatusCategory::InProgress);
        // Not flagged closed: the board keeps it open, whatever it is called.
        assert_eq!(category("Resolved", false), StatusCategory::Todo);
    }
}
