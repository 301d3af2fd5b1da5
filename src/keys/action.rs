//! What the user can ask for, as data. Keys map to these; `update` interprets them.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    NextTab,
    PrevTab,
    TabProjects,
    TabStalled,
    TabForecasts,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    Back,
    SortNext,
    SortReverse,
    Refresh,
    FilterProject,
    AskItems,
    AskDate,
    ToggleMethod,
    TabSuggestions,
    Accept,
    Reject,
    Undo,
    AuditLog,
}

impl Action {
    pub const ALL: [Action; 27] = [
        Action::Quit,
        Action::Help,
        Action::NextTab,
        Action::PrevTab,
        Action::TabProjects,
        Action::TabStalled,
        Action::TabForecasts,
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Back,
        Action::SortNext,
        Action::SortReverse,
        Action::Refresh,
        Action::FilterProject,
        Action::AskItems,
        Action::AskDate,
        Action::ToggleMethod,
        Action::TabSuggestions,
        Action::Accept,
        Action::Reject,
        Action::Undo,
        Action::AuditLog,
    ];

    /// The snake_case name used in config files.
    pub fn name(self) -> String {
        format!("{self:?}")
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let lower = c.to_ascii_lowercase();
                if c.is_ascii_uppercase() && i > 0 {
                    vec!['_', lower]
                } else {
                    vec![lower]
                }
            })
            .collect()
    }

    pub fn from_name(name: &str) -> Option<Action> {
        serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
    }
}
