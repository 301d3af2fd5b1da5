//! lookout: a keyboard-driven terminal dashboard for software and IT projects.
//!
//! Trackers are synced into a local store by background tasks; the TUI opens on the store at
//! once and redraws as syncs land. See DESIGN notes in each module's header for what it owns.

pub mod advisor;
pub mod analysis;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod error_line;
pub mod filter;
pub mod keys;
pub mod lifecycle;
pub mod palette;
pub mod report;
pub mod rng;
pub mod sources;
pub mod store;
pub mod sync;
pub mod term;
pub mod text;
pub mod ui;
