//! The demo portfolio's projects, each with a story a real portfolio would have.
//!
//! The numbers are rates and log-normal shapes (median days, sigma); `history` turns them into
//! tickets. Tests assert each story shows in the metrics, so change them together.

/// Days before "now" from which a story effect applies, and its size.
#[derive(Debug, Clone, Copy)]
pub struct Since {
    pub days: i64,
    pub value: f64,
}

#[derive(Debug, Clone)]
pub struct Story {
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub history_days: i64,
    /// New tickets per weekday (weekends see a trickle).
    pub arrival_rate: f64,
    /// From `days` before now on, the arrival rate becomes `value`.
    pub arrival_change: Option<Since>,
    /// Wait in to-do before work starts: (median days, sigma).
    pub start_wait: (f64, f64),
    /// Tickets created within `days` before now wait up to `value` times longer to start
    /// (this and the other `_change` effects ramp in linearly over the `days`).
    pub start_wait_change: Option<Since>,
    /// Share of tickets that stay in the backlog and never start.
    pub backlog_share: f64,
    pub work: (f64, f64),
    /// Work started within `days` before now takes up to `value` times longer.
    pub work_change: Option<Since>,
    pub review: (f64, f64),
    /// Reviews entered within `days` before now take up to `value` times longer.
    pub review_change: Option<Since>,
    pub reopen: f64,
    pub team: usize,
    /// Share of assignments that go to the first team member.
    pub lead_share: f64,
    /// Every `days` days, a triage closes open tickets older than `value` days at once.
    pub bulk_close: Option<Since>,
    /// The project's target date, this many days after now.
    pub target_in_days: Option<i64>,
}

const BASE: Story = Story {
    key: "",
    name: "",
    description: "",
    history_days: 280,
    arrival_rate: 2.0,
    arrival_change: None,
    start_wait: (3.0, 1.1),
    start_wait_change: None,
    backlog_share: 0.08,
    work: (2.5, 0.9),
    work_change: None,
    review: (0.8, 0.8),
    review_change: None,
    reopen: 0.05,
    team: 6,
    lead_share: 0.0,
    bulk_close: None,
    target_in_days: None,
};

pub fn portfolio() -> Vec<Story> {
    vec![
        Story {
            key: "ATLAS",
            name: "Atlas Payments",
            description: "Healthy: steady arrivals, steady delivery, short reviews.",
            arrival_rate: 2.2,
            target_in_days: Some(120),
            ..BASE
        },
        Story {
            key: "BORE",
            name: "Borealis Mobile",
            description: "Slipping: for four months work has started later and dragged on longer.",
            start_wait_change: Some(Since {
                days: 150,
                value: 60.0,
            }),
            work_change: Some(Since {
                days: 150,
                value: 10.0,
            }),
            target_in_days: Some(35),
            ..BASE
        },
        Story {
            key: "CRUX",
            name: "Crux Platform",
            description: "Review queue stalled: reviews opened in the last six weeks sit for weeks.",
            history_days: 250,
            review_change: Some(Since {
                days: 45,
                value: 40.0,
            }),
            ..BASE
        },
        Story {
            key: "DUNE",
            name: "Dune Data",
            description: "One member carries most of the work in progress.",
            history_days: 240,
            team: 5,
            lead_share: 0.62,
            ..BASE
        },
        Story {
            key: "EMBER",
            name: "Ember Web",
            description: "Scope growing faster than throughput: arrivals tripled six weeks ago.",
            history_days: 210,
            arrival_rate: 1.2,
            arrival_change: Some(Since {
                days: 42,
                value: 4.0,
            }),
            start_wait_change: Some(Since {
                days: 60,
                value: 20.0,
            }),
            ..BASE
        },
        Story {
            key: "FJORD",
            name: "Fjord Migration",
            description: "Nearly finished: intake closed six weeks ago, the last hard items remain.",
            history_days: 170,
            arrival_change: Some(Since {
                days: 42,
                value: 0.25,
            }),
            work_change: Some(Since {
                days: 60,
                value: 8.0,
            }),
            target_in_days: Some(28),
            backlog_share: 0.0,
            start_wait: (2.0, 0.8),
            ..BASE
        },
        Story {
            key: "GLINT",
            name: "Glint Onboarding",
            description: "New: three weeks of history, little to learn from yet.",
            history_days: 20,
            arrival_rate: 1.5,
            team: 3,
            ..BASE
        },
        Story {
            key: "HALO",
            name: "Halo Support",
            description: "Support desk: fast fixes, a long tail, and monthly bulk triage closures.",
            history_days: 240,
            arrival_rate: 3.0,
            start_wait: (4.0, 1.6),
            backlog_share: 0.2,
            work: (1.0, 1.2),
            review: (0.3, 0.7),
            team: 7,
            bulk_close: Some(Since {
                days: 35,
                value: 21.0,
            }),
            ..BASE
        },
        Story {
            key: "IRIS",
            name: "Iris Infrastructure",
            description: "Reopen loops: a quarter of fixes come back.",
            history_days: 200,
            arrival_rate: 1.5,
            reopen: 0.25,
            team: 4,
            ..BASE
        },
    ]
}
