//! One file per pane.

pub mod detail;
pub mod forecasts;
pub(crate) mod project_panel;
pub mod projects;
pub mod stalled;
pub mod suggestions;
