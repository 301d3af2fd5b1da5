//! Everything the screen shows, owned by the event loop and changed only by `update`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use compact_str::CompactString;

use chrono::{DateTime, Utc};

use super::advice::Advice;
use super::filters::{Applied, FilterTarget};
use super::list_view::ListView;
use super::lists::{Sorting, StalledSort, TicketSort, sort_stalled};
use super::loop_state::LoopState;
use super::mode::Mode;
use super::text_line::TextLine;
use crate::analysis::Analysis;
use crate::analysis::forecast::Method;
use crate::analysis::projection::ThroughputForecast;
use crate::analysis::{ProjectSummary, StalledTicket};
use crate::domain::Portfolio;
use crate::keys::Keymap;
use crate::text::Clean;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Projects,
    Stalled,
    Forecasts,
    Suggestions,
}

impl Tab {
    pub const ALL: [Tab; 4] = [
        Tab::Projects,
        Tab::Stalled,
        Tab::Forecasts,
        Tab::Suggestions,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Projects => "Projects",
            Tab::Stalled => "Stalled",
            Tab::Forecasts => "Forecasts",
            Tab::Suggestions => "Suggestions",
        }
    }
}

/// What the Forecasts tab asks about the selected project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// When will the project's open items be done?
    Remaining,
    Items(u32),
    By(chrono::NaiveDate),
}

/// A line being typed into the Forecasts tab.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub kind: InputKind,
    pub line: TextLine,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Items,
    Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForecastView {
    pub ask: Ask,
    pub method: Method,
    pub input: Option<Input>,
    /// The newest forecast asked for; older results are dropped.
    pub generation: u64,
    pub result: Option<Arc<ThroughputForecast>>,
}

/// Columns the Projects table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Todo,
    InProgress,
    Done30,
    Stalled,
    OldestWip,
}

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::Stalled,
        SortKey::Name,
        SortKey::Todo,
        SortKey::InProgress,
        SortKey::Done30,
        SortKey::OldestWip,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Todo => "open",
            SortKey::InProgress => "in progress",
            SortKey::Done30 => "done 30d",
            SortKey::Stalled => "stalled",
            SortKey::OldestWip => "oldest",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncState {
    Waiting,
    Syncing,
    Ok,
    Failed(crate::sync::Failure),
}

/// What the status bar says about one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStatus {
    pub name: String,
    pub state: SyncState,
    pub last_ok: Option<DateTime<Utc>>,
    pub next: Option<DateTime<Utc>>,
    pub last_error: Option<crate::sync::Failure>,
    /// Things the last sync could not use (in the log, one line each).
    pub warnings: usize,
    /// The tracker's rate-limit budget as of its last answer.
    pub budget: Option<crate::sources::Budget>,
}

/// The ticket list of one project, opened from the Projects tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectDetail {
    pub source: String,
    pub key: String,
    /// Every ticket of the project (indices into `State::portfolio.tickets`), sorted.
    pub all: Vec<usize>,
    /// The rows shown: `all` through the list's filter.
    pub list: ListView,
    /// Open tickets among the rows, counted when they are listed, not on every frame.
    pub open: usize,
}

pub struct State {
    pub tab: Tab,
    /// What is in front of the tab, front last.
    pub modes: Vec<Mode>,
    pub detail: Option<ProjectDetail>,
    pub keymap: Keymap,
    pub color: bool,
    /// Whether the terminal takes UTF-8 (sparkline blocks) or needs ASCII.
    pub unicode: bool,
    /// The chosen theme, fitted to the terminal's colours.
    pub palette: crate::palette::Palette,
    pub read_only: bool,
    /// Sources read-only on their own (`read_only = true` in their table).
    pub read_only_sources: Vec<String>,
    pub portfolio: Arc<Portfolio>,
    pub analysis: Arc<Analysis>,
    /// `analysis.projects` rows in screen order; Projects and Forecasts share the selection.
    pub projects: ListView,
    /// `analysis.stalled` rows after the project filter, computed when either changes.
    pub stalled: ListView,
    pub stalled_sort: Sorting<StalledSort>,
    /// Flagged rows among `stalled`'s, counted when they are rebuilt, not on every frame.
    pub stalled_flagged: usize,
    /// How a project's ticket list is sorted.
    pub ticket_sort: Sorting<TicketSort>,
    /// Where each ticket is in `portfolio.tickets`, by (source, id); rebuilt per load.
    pub ticket_at: HashMap<(CompactString, u64), usize>,
    /// Each list's filter, kept for the session.
    pub filters: HashMap<FilterTarget, Applied>,
    /// Which tickets are stalled or have a suggestion, for the filters.
    pub facets: crate::filter::Facets,
    /// The height of the body (between the tab bar and the status lines) last drawn: how far
    /// a scrolled view can go. A `Cell` because only drawing knows it.
    pub body_rows: std::cell::Cell<usize>,
    /// Who `@me` is (the config's `me`): logins and names.
    pub me: Vec<String>,
    /// Tickets marked for a bulk action, by (source, id): they stay marked across reloads.
    pub marks: HashSet<(CompactString, u64)>,
    pub sort: SortKey,
    pub sort_descending: bool,
    pub sources: Vec<SourceStatus>,
    /// Stalled tab: only this (source, project), when set.
    pub stalled_filter: Option<(String, String)>,
    pub forecast: ForecastView,
    /// The newest load asked for, and the one on screen: a load older than what is shown
    /// is dropped.
    pub load_generation: u64,
    pub shown_generation: u64,
    pub loaded: bool,
    pub load_error: Option<Clean>,
    pub advice: Advice,
    /// What the last decision or write came to, for the status bar.
    pub message: Option<Clean>,
    pub run: LoopState,
    pub quit: bool,
    /// How old the data is, and which lists were seen when.
    pub fresh: super::freshness::Freshness,
    /// Failing sources the user has not dismissed yet.
    pub notices: super::notify::Notices,
    /// Each source's kind and whether the user paused it.
    pub control: super::sources_popup::SourceControl,
    /// The config profile in use (`--profile`), named in the header.
    pub profile: Option<String>,
    /// Where `export:csv` and `export:md` write; `None` when nowhere can be written.
    pub export_dir: Option<std::path::PathBuf>,
}

impl State {
    pub fn new(keymap: Keymap, source_names: &[String], color: bool, read_only: bool) -> State {
        State {
            tab: Tab::Projects,
            modes: Vec::new(),
            detail: None,
            keymap,
            color,
            unicode: true,
            palette: crate::palette::Palette::default(),
            read_only,
            read_only_sources: Vec::new(),
            portfolio: Arc::new(Portfolio::default()),
            analysis: Arc::new(Analysis::default()),
            projects: ListView::default(),
            stalled: ListView::default(),
            stalled_flagged: 0,
            stalled_sort: Sorting {
                column: StalledSort::Worst,
                descending: false,
            },
            ticket_sort: Sorting {
                column: TicketSort::Open,
                descending: false,
            },
            ticket_at: HashMap::new(),
            marks: HashSet::new(),
            me: Vec::new(),
            body_rows: std::cell::Cell::new(20),
            filters: HashMap::new(),
            facets: crate::filter::Facets::default(),
            sort: SortKey::Stalled,
            sort_descending: true,
            sources: source_names
                .iter()
                .map(|n| SourceStatus {
                    name: n.clone(),
                    state: SyncState::Waiting,
                    last_ok: None,
                    next: None,
                    last_error: None,
                    warnings: 0,
                    budget: None,
                })
                .collect(),
            // The first load is asked for as the app starts.
            stalled_filter: None,
            forecast: ForecastView {
                ask: Ask::Remaining,
                method: Method::Corrected,
                input: None,
                generation: 0,
                result: None,
            },
            load_generation: 1,
            shown_generation: 0,
            loaded: false,
            load_error: None,
            advice: Advice::default(),
            message: None,
            run: LoopState::starting(),
            quit: false,
            fresh: Default::default(),
            notices: Default::default(),
            control: Default::default(),
            profile: None,
            export_dir: None,
        }
    }
}

impl State {
    /// Whether writes to this source are refused (everywhere, or for it alone).
    pub fn read_only_for(&self, source: &str) -> bool {
        self.read_only || self.read_only_sources.iter().any(|s| s == source)
    }

    /// Rebuilds the Stalled rows (after a load or a filter change), keeping the same ticket
    /// selected wherever it moved.
    pub fn restall(&mut self) {
        let keep = self.stalled_key();
        self.restall_to(keep);
    }

    /// The selected Stalled ticket, by name (source, id), to find it again after a change.
    pub fn stalled_key(&self) -> Option<(String, u64)> {
        self.selected_stalled()
            .map(|s| (s.source.to_string(), s.id))
    }

    /// Rebuilds the Stalled rows, selecting `keep` wherever it is now.
    pub fn restall_to(&mut self, keep: Option<(String, u64)>) {
        let all = &self.analysis.stalled;
        let mut rows: Vec<usize> = (0..all.len())
            .filter(|&i| {
                self.stalled_filter
                    .as_ref()
                    .is_none_or(|(s, p)| all[i].source == *s && all[i].project == *p)
            })
            .collect();
        sort_stalled(&mut rows, all, self.stalled_sort);
        let rows = super::filters::stalled_shown(self, rows);
        self.stalled_flagged = rows
            .iter()
            .filter(|&&i| all[i].severity == crate::analysis::stalled::Severity::Flag)
            .count();
        let keep = keep.and_then(|(src, id)| {
            rows.iter()
                .copied()
                .find(|&i| all[i].source == src && all[i].id == id)
        });
        self.stalled.replace(rows, keep);
    }

    pub fn selected_stalled(&self) -> Option<&StalledTicket> {
        self.stalled
            .current()
            .and_then(|i| self.analysis.stalled.get(i))
    }

    pub fn showing_help(&self) -> bool {
        self.modes.iter().any(|m| matches!(m, Mode::Help(_)))
    }
}

/// The project the Projects and Forecasts tabs have selected, in screen order.
pub fn selected_project(state: &State) -> Option<&ProjectSummary> {
    state
        .projects
        .current()
        .and_then(|i| state.analysis.projects.get(i))
}
