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
    TabSuggestions,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Open,
    Info,
    Back,
    SortNext,
    SortReverse,
    Sort,
    Refresh,
    FilterProject,
    Filter,
    ClearFilter,
    Palette,
    AskItems,
    AskDate,
    ToggleMethod,
    Accept,
    Reject,
    Undo,
    AuditLog,
    Mark,
    MarkAll,
    ClearMarks,
    Assign,
    Move,
    SetPriority,
    AddLabel,
    Comment,
    OpenUrl,
    Copy,
    CopyUrl,
    Sources,
    SyncSource,
    PauseSource,
    Dismiss,
    Confirm,
    Complete,
    Export,
}

impl Action {
    pub const ALL: [Action; 50] = [
        Action::Quit,
        Action::Help,
        Action::NextTab,
        Action::PrevTab,
        Action::TabProjects,
        Action::TabStalled,
        Action::TabForecasts,
        Action::TabSuggestions,
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Info,
        Action::Back,
        Action::SortNext,
        Action::SortReverse,
        Action::Sort,
        Action::Refresh,
        Action::FilterProject,
        Action::Filter,
        Action::ClearFilter,
        Action::Palette,
        Action::AskItems,
        Action::AskDate,
        Action::ToggleMethod,
        Action::Accept,
        Action::Reject,
        Action::Undo,
        Action::AuditLog,
        Action::Mark,
        Action::MarkAll,
        Action::ClearMarks,
        Action::Assign,
        Action::Move,
        Action::SetPriority,
        Action::AddLabel,
        Action::Comment,
        Action::OpenUrl,
        Action::Copy,
        Action::CopyUrl,
        Action::Sources,
        Action::SyncSource,
        Action::PauseSource,
        Action::Dismiss,
        Action::Confirm,
        Action::Complete,
        Action::Export,
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

    /// Actions that change a tracker; never on a key that other tools use for scrolling or
    /// deleting a line (`ctrl-d`, `ctrl-k`), where a slip would write.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::Accept
                | Action::Undo
                | Action::Assign
                | Action::Move
                | Action::SetPriority
                | Action::AddLabel
                | Action::Comment
                | Action::Confirm
        )
    }
}
