//! The model's answer, checked in Rust before anything of it is used.
//!
//! What the answer can do is decided here, not by the schema (a provider may ignore it) and
//! not by the prompt: keep, drop and re-order the candidates it was given, pick one of the
//! targets each offered, and reword the rationale, which stays display-only. An entry with an
//! id that was not offered, or a repeat, is dropped; a target that was not offered is ignored
//! (the candidate keeps the rules' action and rationale). An answer that is not JSON or not
//! of the schema's shape is refused whole.

use serde::Deserialize;

use super::schema;
use crate::domain::Suggestion;
use crate::text;

/// A rationale from the model is cut to this many characters.
pub const RATIONALE_CHARS: usize = 240;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    suggestions: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    target: String,
    rationale: String,
}

/// What validation threw away, for the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ignored {
    pub unknown_ids: usize,
    pub unknown_targets: usize,
}

/// The candidates as the answer refines them, or why the answer cannot be used.
pub fn apply(
    candidates: &[Suggestion],
    content: &str,
) -> Result<(Vec<Suggestion>, Ignored), String> {
    let body = unfence(content);
    let value: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| format!("the model's answer is not JSON ({})", short(&e.to_string())))?;
    let answer: Answer = serde_json::from_value(value).map_err(|e| {
        format!(
            "the model's answer does not match the schema ({})",
            short(&e.to_string())
        )
    })?;
    let mut out: Vec<Suggestion> = Vec::with_capacity(answer.suggestions.len());
    let mut ignored = Ignored::default();
    for entry in answer.suggestions {
        let Some(original) = candidates.iter().find(|c| c.id == entry.id) else {
            ignored.unknown_ids += 1;
            continue;
        };
        if out.iter().any(|s| s.id == entry.id) {
            ignored.unknown_ids += 1;
            continue;
        }
        let mut refined = original.clone();
        let offered = schema::targets(original);
        let Some(pos) = offered.iter().position(|(l, _)| *l == entry.target) else {
            ignored.unknown_targets += 1;
            out.push(refined);
            continue;
        };
        if let (Some(p), Some(chosen)) = (&mut refined.proposal, &offered[pos].1)
            && *chosen != p.action.change
        {
            // Only a change the rules offered may become the action; the one it replaces
            // becomes an alternative, so the set the user can pick from stays the same.
            let Some(i) = p.alternatives.iter().position(|a| a == chosen) else {
                ignored.unknown_targets += 1;
                out.push(refined);
                continue;
            };
            let previous = std::mem::replace(&mut p.action.change, p.alternatives.remove(i));
            p.alternatives.insert(0, previous);
        }
        let rationale = rationale(&entry.rationale);
        if !rationale.is_empty() {
            refined.rationale = rationale;
        }
        out.push(refined);
    }
    Ok((out, ignored))
}

/// Models asked for JSON without a schema often wrap it in a Markdown fence.
fn unfence(content: &str) -> &str {
    let t = content.trim();
    let Some(rest) = t.strip_prefix("```") else {
        return t;
    };
    let rest = rest.strip_prefix("json").unwrap_or(rest);
    rest.strip_suffix("```").unwrap_or(rest).trim()
}

/// The model's sentence as it may be shown: clean, one line, capped.
fn rationale(s: &str) -> String {
    let clean = text::sanitize(s);
    let words: Vec<&str> = clean.split_whitespace().collect();
    let line = words.join(" ");
    match line.char_indices().nth(RATIONALE_CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_and_whitespace_go() {
        assert_eq!(unfence("```json\n{\"a\":1}\n```"), "{\"a\":1}");
        assert_eq!(unfence(" {\"a\":1} "), "{\"a\":1}");
    }

    #[test]
    fn rationales_are_one_clean_capped_line() {
        assert_eq!(rationale(" two\n\tlines \u{1b}[1mbold "), "two lines bold");
        assert_eq!(
            rationale(&"w ".repeat(400)).chars().count(),
            RATIONALE_CHARS + 1
        );
    }

    #[test]
    fn shapes_other_than_the_schema_are_refused() {
        assert!(apply(&[], "not json").is_err());
        assert!(apply(&[], "{\"suggestions\": {}}").is_err());
        assert!(apply(&[], "{\"suggestions\": [{\"id\": \"x\"}]}").is_err());
        assert!(apply(&[], "{\"suggestions\": [], \"actions\": []}").is_err());
        assert_eq!(
            apply(&[], "{\"suggestions\": []}").map(|r| r.0.len()),
            Ok(0)
        );
    }
}
