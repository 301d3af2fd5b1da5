//! The notification line: sources whose sync failed, kept in sight until the user dismisses
//! them (`dismiss`, or `Esc` with nothing else open). Several failures share one line.
//!
//! A dismissed source stays quiet while it keeps failing (its retries would otherwise raise
//! the line again every few seconds); it is raised again once it has synced and then fails anew.

use super::outcome::Outcome;
use super::state::State;
use crate::sync::Failure;
use crate::text::Clean;

/// How much of each source's reason the line keeps; the sources popup has the whole of it.
const REASON: usize = 40;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notices {
    /// Failing sources not dismissed yet, in the order they failed, each with its reason.
    failing: Vec<(String, Clean)>,
    /// Sources dismissed while failing, quiet until they sync again.
    quiet: Vec<String>,
}

impl Notices {
    pub fn is_empty(&self) -> bool {
        self.failing.is_empty()
    }

    /// "jira failing: 401 ..." or "2 sources failing: jira (401 ...), redmine (timeout)".
    pub fn line(&self) -> Option<Clean> {
        let line = match self.failing.as_slice() {
            [] => None,
            [(name, why)] => Some(format!("{name} failing: {}", shorten(why))),
            all => Some(format!(
                "{} sources failing: {}",
                all.len(),
                all.iter()
                    .map(|(name, why)| format!("{name} ({})", shorten(why)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        // The reasons are clean already; the whole line is cleaned again so what reaches the
        // screen is a `Clean` by type.
        line.map(Clean::new)
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= REASON {
        return text.to_string();
    }
    let mut out: String = text.chars().take(REASON - 3).collect();
    out.push_str("...");
    out
}

/// A sync failed: raise (or update) its notice, unless the user dismissed it already.
pub fn failed(state: &mut State, source: &str, failure: &Failure) {
    let n = &mut state.notices;
    if n.quiet.iter().any(|q| q == source) {
        return;
    }
    let why = failure.message.clone();
    match n.failing.iter_mut().find(|(name, _)| name == source) {
        Some(entry) => entry.1 = why,
        None => n.failing.push((source.to_string(), why)),
    }
}

/// A sync succeeded: its notice goes, and a later failure is news again.
pub fn recovered(state: &mut State, source: &str) {
    let n = &mut state.notices;
    n.failing.retain(|(name, _)| name != source);
    n.quiet.retain(|q| q != source);
}

/// Clears the line; does nothing (and asks no redraw) when there is none.
pub fn dismiss(state: &mut State) -> Outcome {
    let n = &mut state.notices;
    if n.failing.is_empty() {
        return Outcome::default();
    }
    for (name, _) in n.failing.drain(..) {
        if !n.quiet.contains(&name) {
            n.quiet.push(name);
        }
    }
    Outcome::redraw()
}
