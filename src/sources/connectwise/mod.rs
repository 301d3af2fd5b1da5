//! ConnectWise Manage / PSA over REST 3.0 (`{site}/v4_6_release/apis/3.0/...`).
//!
//! Every request carries Basic auth as `company+publickey:privatekey` (the API member's keys,
//! each in its own environment variable), the `clientId` ConnectWise issues to integrations
//! (not a secret), and an `Accept` that pins the API version, so a server upgrade cannot
//! change the shapes lookout reads. Listings page forward-only by the `Link` header.
//!
//! A sync reads the configured service boards (each one a lookout project) and their
//! statuses, the site's active members, the tickets changed since the last sync
//! (`lastUpdated > [..]`, re-reading two minutes back), each changed ticket's notes and its
//! status history, and the time charged to service tickets. Configured project work comes
//! the same way: the projects, their tickets (`/project/tickets`, each phase a label) and the
//! time charged to project tickets.
//!
//! A sync reads tickets in batches of `BATCH`, each stored with its cursor (see `position`),
//! so a first sync cut part way resumes after the last stored batch. ConnectWise has no structured
//! ticket changelog, so the history comes from the audit trail's prose (see `history`).

mod client;
mod connector;
pub mod dto;
mod history;
pub mod map;
mod position;
mod projects;
mod source;
mod status;
mod write;

use std::time::Duration;

pub use client::{ACCEPT, Client, board_is, updated_since};
pub use connector::CONNECTOR;
pub use source::{BATCH, ConnectWiseSource};
pub use status::category;

/// Which ConnectWise projects (`/project/projects`) a source syncs, each one a lookout project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Projects {
    /// None: service boards only.
    #[default]
    None,
    /// These, by name; a name several projects share (one per client, say) takes them all.
    Named(Vec<String>),
    /// Every project not closed (`projects = "open"`).
    Open,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The site, as users browse it (`https://na.myconnectwise.net`).
    pub url: String,
    /// The company id users log in with.
    pub company: String,
    /// The environment variable that holds the API member's public key.
    pub public_key_env: String,
    /// The environment variable that holds the API member's private key.
    pub private_key_env: String,
    /// The integration's client id (developer.connectwise.com issues it; not a secret).
    pub client_id: String,
    /// Service boards to sync, by name; empty for none (projects only).
    pub boards: Vec<String>,
    /// The project work to sync besides the boards.
    pub projects: Projects,
    /// How often to look for deleted tickets.
    pub sweep_every: Duration,
}
