//! Where a binding applies. A key may mean different things in different scopes (`a` accepts
//! a suggestion, and assigns a ticket); the app asks in the order of what is in front, so an
//! open popup's keys win over its tab's, and a tab's over the global ones.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Everywhere but in a text line.
    Global,
    /// Any list with a selection: tables, pickers, scrollable views.
    List,
    /// Wherever one ticket is selected: the Stalled tab, a project's tickets, a ticket's detail.
    Ticket,
    Projects,
    Stalled,
    Forecasts,
    Suggestions,
    /// A ticket's or a project's detail view.
    Detail,
    /// A dialog in front: a confirmation, a picker, the sources, a summary.
    Popup,
    /// A text line being typed (filter, palette, comment, forecast question): every key not
    /// bound here is text.
    Input,
}

impl Scope {
    pub const ALL: [Scope; 10] = [
        Scope::Global,
        Scope::List,
        Scope::Ticket,
        Scope::Projects,
        Scope::Stalled,
        Scope::Forecasts,
        Scope::Suggestions,
        Scope::Detail,
        Scope::Popup,
        Scope::Input,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::List => "list",
            Scope::Ticket => "ticket",
            Scope::Projects => "projects",
            Scope::Stalled => "stalled",
            Scope::Forecasts => "forecasts",
            Scope::Suggestions => "suggestions",
            Scope::Detail => "detail",
            Scope::Popup => "popup",
            Scope::Input => "input",
        }
    }

    pub fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::List => "Lists",
            Scope::Ticket => "A selected ticket",
            Scope::Projects => "Projects",
            Scope::Stalled => "Stalled",
            Scope::Forecasts => "Forecasts",
            Scope::Suggestions => "Suggestions",
            Scope::Detail => "Detail views",
            Scope::Popup => "Dialogs",
            Scope::Input => "Text lines",
        }
    }
}
