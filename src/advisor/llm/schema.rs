//! The shape of the model's answer, as a JSON schema built for each call: the candidate ids
//! and, per candidate, the targets it may choose are enums, so a provider that enforces the
//! schema cannot even spell an id or a target the rules did not offer.
//!
//! A target is named by a short label ("assign:ana", "priority:High"); label 0 is the rules'
//! own choice, the others are the proposal's alternatives in order. Advisory suggestions
//! (no action) offer one target, `none`.

use serde_json::{Value, json};

use crate::domain::{Change, Suggestion};
use crate::text;

/// The target label of a suggestion that proposes no write.
pub const NO_TARGET: &str = "none";
/// Tracker text (a login, a status) in a label is cut to this many characters.
const LABEL_CHARS: usize = 60;
/// The name the answer's format goes by in the request.
pub const SCHEMA_NAME: &str = "refined_suggestions";

/// The targets a candidate offers, by label, with the change each stands for (`None` for
/// an advisory suggestion's only target). Labels are unique within a candidate.
pub fn targets(s: &Suggestion) -> Vec<(String, Option<Change>)> {
    let Some(p) = &s.proposal else {
        return vec![(NO_TARGET.to_string(), None)];
    };
    let mut out: Vec<(String, Option<Change>)> = Vec::new();
    for change in std::iter::once(&p.action.change).chain(&p.alternatives) {
        if out.iter().any(|(_, c)| c.as_ref() == Some(change)) {
            continue;
        }
        let base = label(change);
        let mut name = base.clone();
        let mut n = 2;
        while out.iter().any(|(l, _)| *l == name) {
            name = format!("{base}#{n}");
            n += 1;
        }
        out.push((name, Some(change.clone())));
    }
    out
}

fn label(change: &Change) -> String {
    let (verb, what) = match change {
        Change::Assign { login } => ("assign", login.as_str()),
        Change::Unassign => ("unassign", ""),
        Change::Transition { status } => ("status", status.as_str()),
        Change::SetPriority { priority } => ("priority", priority.as_str()),
        Change::AddLabel { label } => ("label", label.as_str()),
        // A comment's body is the rules' text; the label only has to tell it apart.
        Change::Comment { .. } => ("comment", ""),
    };
    let clean = text::sanitize(what);
    let short: String = clean.trim().chars().take(LABEL_CHARS).collect();
    if short.is_empty() {
        verb.to_string()
    } else {
        format!("{verb}:{short}")
    }
}

/// The schema of an answer about `candidates`: `{"suggestions": [{id, target, rationale}]}`,
/// one `anyOf` branch per candidate so each id carries its own targets.
pub fn answer_schema(candidates: &[Suggestion]) -> Value {
    let branches: Vec<Value> = candidates
        .iter()
        .map(|c| {
            let labels: Vec<String> = targets(c).into_iter().map(|(l, _)| l).collect();
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "string", "enum": [c.id]},
                    "target": {"type": "string", "enum": labels},
                    "rationale": {"type": "string"}
                },
                "required": ["id", "target", "rationale"],
                "additionalProperties": false
            })
        })
        .collect();
    json!({
        "type": "object",
        "properties": {
            "suggestions": {
                "type": "array",
                "description": "The candidates worth acting on, most important first. Leave out the ones to drop.",
                "items": {"anyOf": branches}
            }
        },
        "required": ["suggestions"],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Band, Kind, Priority, Proposal, Seen, Subject, SuggestionState, TrackerAction,
    };

    fn reassign(alternatives: Vec<Change>) -> Suggestion {
        Suggestion {
            id: "reassign:demo:7".into(),
            kind: Kind::Reassign,
            subject: Subject::Ticket {
                source: "demo".into(),
                id: 7,
                key: "OPS-7".into(),
                project: "OPS".into(),
            },
            proposal: Some(Proposal {
                source: "demo".into(),
                action: TrackerAction {
                    ticket: 7,
                    key: "OPS-7".into(),
                    change: Change::Assign {
                        login: "ana".into(),
                    },
                },
                alternatives,
                seen: Seen {
                    status: "In Progress".into(),
                    assignee: Some("Bo".into()),
                    priority: Priority::Medium,
                },
            }),
            evidence: vec![],
            confidence: 0.8,
            band: Band::High,
            impact: 1.0,
            fingerprint: 1,
            rationale: "r".into(),
            related: None,
            state: SuggestionState::Pending,
        }
    }

    #[test]
    fn labels_are_unique_and_clean() {
        let s = reassign(vec![
            Change::Assign {
                login: "cy\u{1b}[31m".into(),
            },
            Change::Assign {
                login: "ana".into(),
            },
            Change::Comment { body: "a".into() },
            Change::Comment { body: "b".into() },
        ]);
        let labels: Vec<String> = targets(&s).into_iter().map(|(l, _)| l).collect();
        assert_eq!(labels, ["assign:ana", "assign:cy", "comment", "comment#2"]);
    }

    #[test]
    fn the_schema_names_every_id_and_target() {
        let s = reassign(vec![Change::Assign { login: "cy".into() }]);
        let schema = answer_schema(std::slice::from_ref(&s));
        let branch = &schema["properties"]["suggestions"]["items"]["anyOf"][0];
        assert_eq!(
            branch["properties"]["id"]["enum"],
            json!(["reassign:demo:7"])
        );
        assert_eq!(
            branch["properties"]["target"]["enum"],
            json!(["assign:ana", "assign:cy"])
        );
    }
}
