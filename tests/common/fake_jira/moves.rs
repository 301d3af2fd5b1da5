//! The stand-in's workflow: the transitions `GET /rest/api/3/issue/{id}/transitions` lists
//! for an issue, answered as Jira Cloud answers (string ids, the target status with its
//! category, Jira's flags), only those available from the issue's status, and the move a
//! `POST` to it makes (refused, as Jira refuses it, for a transition not available there).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Change, Reply, Request, State, category};

/// A workflow transition as `/rest/api/3/issue/{id}/transitions` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub id: String,
    pub name: String,
    /// The statuses it is available from; empty for a global transition (from anywhere).
    pub from: Vec<String>,
    /// Where it leads; `None` leaves `to` out of the answer, and the move lands on the
    /// status named as the transition.
    pub to: Option<String>,
}

impl Move {
    pub fn new(id: &str, name: &str, from: &[&str], to: Option<&str>) -> Move {
        Move {
            id: id.into(),
            name: name.into(),
            from: from.iter().map(|f| f.to_string()).collect(),
            to: to.map(str::to_string),
        }
    }

    fn available_from(&self, status: &str) -> bool {
        self.from.is_empty() || self.from.iter().any(|f| f == status)
    }

    fn lands_on(&self) -> &str {
        self.to.as_deref().unwrap_or(&self.name)
    }
}

/// Two global transitions, available from every status.
pub fn global_moves() -> Vec<Move> {
    vec![
        Move::new("11", "Start", &[], Some("In Progress")),
        Move::new("31", "Finish", &[], Some("Done")),
    ]
}

/// A workflow as a Jira Cloud software project has it: each status has its own ways on,
/// and "Done" is global.
pub fn software_moves() -> Vec<Move> {
    vec![
        Move::new("11", "Start", &["To Do"], Some("In Progress")),
        Move::new("21", "Send to review", &["In Progress"], Some("In Review")),
        Move::new("41", "Back to work", &["In Review"], Some("In Progress")),
        Move::new("51", "Reopen", &["Done"], Some("To Do")),
        Move::new("31", "Done", &[], Some("Done")),
    ]
}

fn category_id(key: &str) -> (u64, &'static str, &'static str) {
    match key {
        "new" => (2, "blue-gray", "To Do"),
        "done" => (3, "green", "Done"),
        _ => (4, "yellow", "In Progress"),
    }
}

/// Jira Cloud's answer to `GET /rest/api/3/issue/{id}/transitions` for an issue in `status`:
/// string ids, the target status with its category, and the flags Jira adds.
fn transitions(s: &State, base: &str, status: &str) -> Value {
    let listed: Vec<Value> = s
        .moves
        .iter()
        .filter(|m| m.available_from(status))
        .map(|m| {
            let mut t = json!({
                "id": m.id, "name": m.name, "hasScreen": false, "isGlobal": m.from.is_empty(),
                "isInitial": false, "isAvailable": true, "isConditional": false,
                "isLooped": false,
            });
            if let Some(to) = &m.to {
                let id = s.status_ids.get(to).cloned().unwrap_or_else(|| "1".into());
                let (cat, color, cat_name) = category_id(category(to));
                t["to"] = json!({
                    "self": format!("{base}/rest/api/3/status/{id}"),
                    "description": "", "iconUrl": format!("{base}/images/icons/statuses/generic.png"),
                    "name": to, "untranslatedName": to, "id": id,
                    "statusCategory": {
                        "self": format!("{base}/rest/api/3/statuscategory/{cat}"),
                        "id": cat, "key": category(to), "colorName": color, "name": cat_name,
                    },
                });
            }
            t
        })
        .collect();
    json!({ "expand": "transitions", "transitions": listed })
}

/// `GET /rest/api/3/issue/{id}/transitions`.
pub fn list(s: &State, r: &Request, id: u64) -> Reply {
    let base = format!("http://{}", r.header("host").unwrap_or("localhost"));
    Reply::json(&transitions(s, &base, &s.issues[&id].status))
}

/// `POST /rest/api/3/issue/{id}/transitions`: the move, with its changelog line.
pub fn make(s: &mut State, id: u64, body: &Value, now: DateTime<Utc>) -> Reply {
    let wanted = body["transition"]["id"].as_str().unwrap_or("");
    let status = s.issues[&id].status.clone();
    let chosen = s
        .moves
        .iter()
        .find(|m| m.id == wanted && m.available_from(&status));
    let Some(to) = chosen.map(|m| m.lands_on().to_string()) else {
        let text = format!("Transition id '{wanted}' is not valid for this issue.");
        return Reply::raw(
            400,
            json!({ "errorMessages": [text], "errors": {} }).to_string(),
        );
    };
    if let Some(i) = s.issues.get_mut(&id) {
        i.history.push(Change {
            at: now,
            field: "status",
            from: Some(i.status.clone()),
            to: Some(to.clone()),
        });
        i.status = to;
        i.updated = now;
    }
    Reply::raw(204, "")
}
