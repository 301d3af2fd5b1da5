//! The application core: state, the pure `update`, and the one event loop that owns both.
//!
//! Only this module runs effects. Background work (sync tasks, store loads) sends owned
//! results back as events; loads carry a generation so a slow, stale load never overwrites a
//! newer one.

mod advice;
mod advise;
mod decisions;
mod detail_views;
mod event;
mod export;
mod filters;
pub mod forecasts;
pub mod freshness;
mod list_view;
mod lists;
mod load;
mod loop_state;
mod mode;
mod mouse;
pub mod notify;
mod outcome;
mod outside;
mod palette;
mod prompt;
mod route;
mod run;
mod sources_popup;
mod state;
mod suggestions;
mod sync_events;
mod text_line;
mod triage;
mod update;

pub use advice::{Advice, AiUsage, AuditEntry, HistoryLine, KindRate, Popup, WriteOrder};
pub use event::{Effect, Event, ForecastJob};
pub use export::{
    ExportFormat, ExportJob, Rows as ExportRows, Table as ExportTable, csv_cell as export_csv_cell,
};
pub use filters::{FilterTarget, text as filter_text};
pub use list_view::ListView;
pub use lists::{Sorting, StalledSort, TicketSort, selected_ticket};
pub use load::{Loaded, ViewSpec, load_and_analyse, persist, refresh};
pub use loop_state::LoopState;
pub use mode::{DetailView, Mode, Prompt, PromptKind};
pub use outcome::Outcome;
pub use palette::SHOWN as PALETTE_ROWS;
pub use route::{beneath_modes, scopes};
pub use run::run;
pub use sources_popup::SourceControl;
pub use state::selected_project;
pub use state::{
    Ask, ForecastView, Input, InputKind, ProjectDetail, SortKey, SourceStatus, State, SyncState,
    Tab,
};
pub use text_line::{Accepts, TextLine};
pub use triage::{Bulk, LISTED, Order, Picker, Purpose, TicketId, keys_of, resolve};
pub use update::update;
