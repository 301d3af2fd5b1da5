//! From Jira's issues and changelogs to lookout's tickets and transitions.

use std::sync::Arc;

use chrono::Utc;

use super::dto;
use super::status::Move;
use crate::domain::{Field, Interner, Priority, StatusCategory, Ticket, Transition};

pub fn category(key: &str) -> StatusCategory {
    match key {
        "done" => StatusCategory::Done,
        "indeterminate" => StatusCategory::InProgress,
        _ => StatusCategory::Todo,
    }
}

/// Jira's stock priority names; a site's own names fall back to Medium.
pub fn priority(name: &str) -> Priority {
    match name.to_ascii_lowercase().as_str() {
        "highest" | "blocker" | "critical" | "urgent" => Priority::Highest,
        "high" | "major" => Priority::High,
        "low" | "minor" => Priority::Low,
        "lowest" | "trivial" => Priority::Lowest,
        _ => Priority::Medium,
    }
}

/// The story points field: a number field whose name says so. Sites differ in its id
/// (and some have both the classic and the next-gen one), so it is looked up, never assumed.
pub fn story_points(fields: &[dto::Field]) -> Option<String> {
    let numeric = |f: &&dto::Field| f.schema.as_ref().is_some_and(|s| s.kind == "number");
    let named = |f: &&dto::Field, name: &str| f.custom && f.name.eq_ignore_ascii_case(name);
    fields
        .iter()
        .filter(numeric)
        .find(|f| named(f, "Story Points"))
        .or_else(|| {
            fields
                .iter()
                .filter(numeric)
                .find(|f| named(f, "Story point estimate"))
        })
        .map(|f| f.id.clone())
}

pub fn ticket(
    source: &str,
    site: &str,
    estimate: Option<f64>,
    id: u64,
    key: String,
    f: super::search::Fields<'_>,
) -> Ticket {
    let category = category(&f.status.status_category.key);
    let resolved = (category == StatusCategory::Done)
        .then(|| f.resolutiondate.unwrap_or(f.updated).with_timezone(&Utc));
    Ticket {
        source: source.into(),
        id,
        project: f.project.key.into(),
        url: Some(format!("{}/browse/{key}", site.trim_end_matches('/'))),
        key: key.into(),
        title: f.summary,
        status: f.status.name.into(),
        category,
        assignee: f.assignee.map(|a| a.display_name.into()),
        priority: f
            .priority
            .as_ref()
            .map(|p| priority(&p.name))
            .unwrap_or(Priority::Medium),
        estimate,
        labels: f.labels.into_iter().map(Into::into).collect(),
        created: f.created.with_timezone(&Utc),
        updated: f.updated.with_timezone(&Utc),
        // Filled from the changelog.
        started: None,
        resolved,
        resolution: f.resolution.map(|r| r.name.into()),
    }
}

/// A ticket's status, assignee and priority changes from its Jira histories, added to `out`;
/// its status moves, with the ids they name, also to `moves`.
pub fn history(
    source: &Arc<str>,
    id: u64,
    histories: Vec<dto::History<'_>>,
    strings: &mut Interner,
    out: &mut Vec<Transition>,
    moves: &mut Vec<Move>,
) {
    let mut text = |s: Option<dto::Text<'_>>| s.filter(|s| !s.is_empty()).map(|s| strings.get(&s));
    for h in histories {
        for item in h.items {
            let field = match item.field() {
                "status" => Field::Status,
                "assignee" => Field::Assignee,
                "priority" => Field::Priority,
                _ => continue,
            };
            let to = text(item.to_string);
            if field == Field::Status {
                moves.push(Move {
                    at: h.created,
                    to_id: item.to.as_deref().and_then(|t| t.parse().ok()),
                    to_name: to.clone(),
                });
            }
            out.push(Transition {
                source: source.clone(),
                ticket: id,
                at: h.created,
                field,
                from: text(item.from_string),
                to,
            });
        }
    }
}

/// The text of an ADF document, paragraphs on their own lines.
pub fn adf_text(doc: &serde_json::Value) -> String {
    fn walk(node: &serde_json::Value, out: &mut String) {
        match node["type"].as_str() {
            Some("text") => out.push_str(node["text"].as_str().unwrap_or("")),
            Some("hardBreak") => out.push('\n'),
            _ => {}
        }
        for child in node["content"].as_array().into_iter().flatten() {
            walk(child, out);
        }
        if node["type"] == "paragraph" {
            out.push('\n');
        }
    }
    let mut out = String::new();
    walk(doc, &mut out);
    out.trim_end().to_string()
}

/// A comment body in the Atlassian Document Format: a paragraph per blank-line-separated
/// block, with hard breaks for single newlines (v3 refuses plain strings).
pub fn adf(text: &str) -> serde_json::Value {
    let paragraphs: Vec<serde_json::Value> = text
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let mut content = Vec::new();
            for (i, line) in p.lines().enumerate() {
                if i > 0 {
                    content.push(serde_json::json!({ "type": "hardBreak" }));
                }
                if !line.is_empty() {
                    content.push(serde_json::json!({ "type": "text", "text": line }));
                }
            }
            serde_json::json!({ "type": "paragraph", "content": content })
        })
        .collect();
    serde_json::json!({ "type": "doc", "version": 1, "content": paragraphs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_become_paragraphs_with_hard_breaks() {
        let doc = adf("first line\nsecond\n\nnext paragraph");
        assert_eq!(doc["type"], "doc");
        assert_eq!(doc["content"].as_array().map(Vec::len), Some(2));
        assert_eq!(doc["content"][0]["content"][1]["type"], "hardBreak");
        assert_eq!(doc["content"][1]["content"][0]["text"], "next paragraph");
        assert_eq!(adf_text(&doc), "first line\nsecond\nnext paragraph");
    }

    #[test]
    fn status_moves_keep_their_ids_whatever_order_jira_sends() {
        let source: Arc<str> = Arc::from("jira");
        let mut strings = Interner::default();
        let at = |s: &str| s.parse::<chrono::DateTime<Utc>>().expect(s);
        let text = |s: &str| Some(dto::Text(s.to_string().into()));
        let moved = |when: &str, from: &str, to: &str, to_id: &str| dto::History {
            created: at(when),
            items: vec![dto::Item {
                field_id: text("status"),
                field: None,
                from_string: text(from),
                to_string: text(to),
                to: text(to_id),
            }],
        };
        let (mut out, mut moves) = (Vec::new(), Vec::new());
        // Newest first, and split over two bulk pages.
        let page_one = vec![moved("2024-03-05T00:00:00Z", "Review", "In Progress", "3")];
        let page_two = vec![
            moved("2024-03-01T00:00:00Z", "In Progress", "Review", "4"),
            moved("2024-02-20T00:00:00Z", "To Do", "In Development", "3"),
        ];
        history(&source, 7, page_one, &mut strings, &mut out, &mut moves);
        history(&source, 7, page_two, &mut strings, &mut out, &mut moves);
        assert_eq!(out.len(), 3);
        assert_eq!(
            out[2].to.as_deref(),
            Some("In Development"),
            "names as they were"
        );
        let ids: Vec<Option<u64>> = moves.iter().map(|m| m.to_id).collect();
        assert_eq!(ids, [Some(3), Some(4), Some(3)]);
        assert!(std::ptr::eq(
            moves[0].to_name.as_deref().expect("name"),
            out[0].to.as_deref().expect("name")
        ));
    }

    #[test]
    fn story_points_are_found_by_name_and_type() {
        let f = |id: &str, name: &str, kind: &str| dto::Field {
            id: id.into(),
            name: name.into(),
            custom: true,
            schema: Some(dto::FieldSchema { kind: kind.into() }),
        };
        let fields = vec![
            f("customfield_1", "Story Points", "string"),
            f("customfield_7", "Story point estimate", "number"),
            f("customfield_9", "Story Points", "number"),
        ];
        assert_eq!(story_points(&fields).as_deref(), Some("customfield_9"));
        assert_eq!(story_points(&fields[..2]).as_deref(), Some("customfield_7"));
        assert_eq!(story_points(&fields[..1]), None);
    }
}
