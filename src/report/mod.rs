//! The portfolio report: one model built from the store, written as Markdown, CSV, JSON or
//! HTML. Every format reads the same `Report`, so they never disagree about a number.
//!
//! Text in the model is already cleaned of control and escape sequences (it quotes
//! trackers); each format still escapes what its own syntax needs.

pub mod build;
pub mod charts;
pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
pub mod tables;

pub use model::*;
