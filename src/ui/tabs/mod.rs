//! One file per pane.

pub mod detail;
pub mod projects;
pub mod stalled;
