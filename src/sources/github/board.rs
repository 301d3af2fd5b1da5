//! One read of the configured Project (v2) over GraphQL: its items a hundred a request by
//! cursor, each with its issue (enough to make its ticket), the status field's option and
//! the issue's closes, reopens and Status changes on this project. A sync asks this once,
//! whatever the number of issues; ETags do not apply to GraphQL.
//!
//! Drafts, pull requests, items the token may not see and issues of repositories the
//! source does not sync are left out without a word; an item that does not read is named.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::graphql::{Gql, GqlError};
use super::project::{Board, Entry, Step};
use super::{GithubSource, dto};
use crate::sources::SourceError;
use crate::sources::http::Repeat;

/// Items per request: GraphQL's largest page.
const ITEMS: usize = 100;
/// The latest timeline steps read per issue; more than any issue's real history of closes
/// and status moves, and the newest are the ones kept.
const STEPS: usize = 100;

/// The project's own node and the field's, and its options (id, name): what a write needs.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub project: String,
    pub field: String,
    pub options: Vec<(String, String)>,
}

/// What one read of the project found.
#[derive(Debug, Default)]
pub struct BoardRead {
    pub layout: Layout,
    /// By `(repository as the config spells it, issue number)`.
    pub issues: HashMap<(String, u64), (Entry, dto::Issue)>,
    /// Whether the issues' timelines were read for Status changes (see `fetch_board`).
    pub with_events: bool,
}

impl BoardRead {
    pub fn get(&self, repo: &str, number: u64) -> Option<&(Entry, dto::Issue)> {
        self.issues.get(&(repo.to_string(), number))
    }
}

/// The owner, project and field, as one selection both the read and a write use.
pub const PROJECT_HEAD: &str = r#"
  owner: repositoryOwner(login: $owner) {
    ... on ProjectV2Owner {
      projectV2(number: $number) {
        id
        field(name: $field) {
          __typename
          ... on ProjectV2SingleSelectField { id name options { id name } }
        }
"#;

fn items_query(with_events: bool) -> String {
    let kinds = if with_events {
        "CLOSED_EVENT, REOPENED_EVENT, PROJECT_V2_ITEM_STATUS_CHANGED_EVENT"
    } else {
        "CLOSED_EVENT, REOPENED_EVENT"
    };
    let status_event = if with_events {
        "... on ProjectV2ItemStatusChangedEvent { createdAt previousStatus status project { id } }"
    } else {
        ""
    };
    format!(
        r#"query($owner: String!, $number: Int!, $field: String!, $after: String) {{
{PROJECT_HEAD}
        items(first: {ITEMS}, after: $after) {{
          pageInfo {{ hasNextPage endCursor }}
          nodes {{
            id
            fieldValueByName(name: $field) {{
              ... on ProjectV2ItemFieldSingleSelectValue {{ name updatedAt }}
            }}
            content {{
              __typename
              ... on Issue {{
                databaseId number title state stateReason createdAt updatedAt closedAt url
                repository {{ nameWithOwner }}
                labels(first: 50) {{ nodes {{ name }} }}
                assignees(first: 10) {{ nodes {{ login }} }}
                timelineItems(last: {STEPS}, itemTypes: [{kinds}]) {{
                  nodes {{
                    __typename
                    ... on ClosedEvent {{ createdAt }}
                    ... on ReopenedEvent {{ createdAt }}
                    {status_event}
                  }}
                }}
              }}
            }}
          }}
        }}
      }}
    }}
  }}
}}"#
    )
}

#[derive(Deserialize)]
struct Nodes<T> {
    #[serde(default = "Vec::new")]
    nodes: Vec<Option<T>>,
}

impl<T> Nodes<T> {
    fn all(self) -> impl Iterator<Item = T> {
        self.nodes.into_iter().flatten()
    }
}

#[derive(Deserialize)]
struct Name {
    name: String,
}

#[derive(Deserialize)]
struct Login {
    login: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FieldValue {
    name: String,
    updated_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct NodeId {
    id: String,
}

#[derive(Deserialize)]
#[serde(tag = "__typename")]
enum TimelineNode {
    ClosedEvent {
        #[serde(rename = "createdAt")]
        created_at: DateTime<Utc>,
    },
    ReopenedEvent {
        #[serde(rename = "createdAt")]
        created_at: DateTime<Utc>,
    },
    ProjectV2ItemStatusChangedEvent {
        #[serde(rename = "createdAt")]
        created_at: DateTime<Utc>,
        #[serde(default, rename = "previousStatus")]
        previous_status: Option<String>,
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        project: Option<NodeId>,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IssueNode {
    database_id: u64,
    number: u64,
    #[serde(default)]
    title: String,
    state: String,
    #[serde(default)]
    state_reason: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[serde(default)]
    closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    url: Option<String>,
    labels: Option<Nodes<Name>>,
    assignees: Option<Nodes<Login>>,
    #[serde(rename = "timelineItems")]
    timeline: Option<Nodes<TimelineNode>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ItemNode {
    id: String,
    #[serde(default)]
    field_value_by_name: Option<Value>,
    content: Option<Value>,
}

/// An option name as GitHub's timeline writes it: empty for none.
fn option(name: Option<String>) -> Option<String> {
    name.filter(|n| !n.trim().is_empty())
}

impl IssueNode {
    fn into_parts(
        self,
        item: String,
        value: Option<FieldValue>,
        project: &str,
    ) -> (Entry, dto::Issue) {
        let steps = self
            .timeline
            .map(Nodes::all)
            .into_iter()
            .flatten()
            .filter_map(|n| match n {
                TimelineNode::ClosedEvent { created_at } => Some(Step::Closed(created_at)),
                TimelineNode::ReopenedEvent { created_at } => Some(Step::Reopened(created_at)),
                TimelineNode::ProjectV2ItemStatusChangedEvent {
                    created_at,
                    previous_status,
                    status,
                    project: on,
                } if on.as_ref().is_some_and(|p| p.id == project) => Some(Step::Field {
                    at: created_at,
                    from: option(previous_status),
                    to: option(status),
                }),
                _ => None,
            })
            .collect();
        let users: Vec<dto::User> = self
            .assignees
            .map(|a| {
                a.all()
                    .map(|l| dto::User {
                        login: l.login.into(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let issue = dto::Issue {
            id: self.database_id,
            number: self.number,
            title: self.title,
            state: self.state.to_ascii_lowercase().into(),
            state_reason: self.state_reason.map(|r| r.to_ascii_lowercase().into()),
            assignee: users.first().cloned(),
            assignees: users,
            labels: self
                .labels
                .map(|l| {
                    l.all()
                        .map(|n| dto::Label {
                            name: n.name.into(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            html_url: self.url,
            pull_request: None,
        };
        let entry = Entry {
            item,
            value: value.map(|v| (v.name, v.updated_at)),
            steps,
        };
        (entry, issue)
    }
}

/// A config error naming the `project` key at fault.
fn config(key: &str, why: String) -> SourceError {
    SourceError::Config(format!("`project.{key}`: {why}"))
}

/// The project and field layout from an answer's `owner`, or the config key that is wrong.
pub fn layout(board: &Board, gql: &Gql) -> Result<(Layout, Value), SourceError> {
    let (owner, number, field) = (&board.owner, board.number, &board.field);
    let scope = "the token needs `read:project` (a classic token) or Projects: read \
                 (a fine-grained one, for an organization's project)";
    // An item the token may not see (its repository out of reach) errs on its own path:
    // the rest of the project still reads (see `fetch_board`).
    let errors: Vec<&GqlError> = gql.errors.iter().filter(|e| !e.at("items")).collect();
    let said = || {
        errors
            .iter()
            .map(|e| e.said())
            .collect::<Vec<_>>()
            .join("; ")
    };
    if errors
        .iter()
        .any(|e| e.is("INSUFFICIENT_SCOPES") || e.is("FORBIDDEN"))
    {
        return Err(config(
            "number",
            format!(
                "GitHub refused to show project {number} of {owner:?} ({}); {scope}",
                said()
            ),
        ));
    }
    let owner_node = &gql.data["owner"];
    if errors.iter().any(|e| e.at("owner") && !e.at("projectV2"))
        || (owner_node.is_null() && errors.is_empty())
    {
        return Err(config(
            "owner",
            format!("GitHub has no organization or user {owner:?} this token can see"),
        ));
    }
    let project = &owner_node["projectV2"];
    if errors.iter().any(|e| e.at("projectV2")) || project.is_null() {
        let why = if errors.is_empty() {
            "none found".to_string()
        } else {
            said()
        };
        return Err(config(
            "number",
            format!(
                "{owner:?} has no project {number} this token can see ({why}); check the \
                 number in the project's address, and {scope}"
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(SourceError::Invalid(format!(
            "GitHub's GraphQL API refused the read of project {number} of {owner:?}: {}",
            said()
        )));
    }
    let f = &project["field"];
    match f["__typename"].as_str() {
        Some("ProjectV2SingleSelectField") => {}
        Some(other) => {
            return Err(config(
                "field",
                format!(
                    "{field:?} on project {number} is a {}, not a single-select field",
                    crate::text::sanitize(other)
                ),
            ));
        }
        None => {
            return Err(config(
                "field",
                format!("project {number} of {owner:?} has no field {field:?}"),
            ));
        }
    }
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let options = f["options"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|o| (text(&o["id"]), text(&o["name"])))
                .collect()
        })
        .unwrap_or_default();
    Ok((
        Layout {
            project: text(&project["id"]),
            field: text(&f["id"]),
            options,
        },
        project.clone(),
    ))
}

/// Whether an answer refuses the Status-change event itself: a server whose schema lacks it.
fn lacks_status_events(gql: &Gql) -> bool {
    gql.errors.iter().any(|e| {
        e.message.contains("ProjectV2ItemStatusChangedEvent")
            || e.message.contains("PROJECT_V2_ITEM_STATUS_CHANGED_EVENT")
    })
}

impl GithubSource {
    fn variables(&self, board: &Board, after: Option<&str>) -> Value {
        json!({
            "owner": board.owner,
            "number": board.number,
            "field": board.field,
            "after": after,
        })
    }

    /// Every item of the project that is an issue of a synced repository.
    pub(super) async fn fetch_board(
        &mut self,
        board: &Board,
        warnings: &mut Vec<String>,
    ) -> Result<BoardRead, SourceError> {
        let mut read = BoardRead {
            with_events: !self.no_status_events,
            ..BoardRead::default()
        };
        let mut after: Option<String> = None;
        let mut odd = Vec::new();
        let (mut unseen, mut unseen_why) = (0, None);
        loop {
            let query = items_query(read.with_events);
            let gql = self
                .graphql(
                    Repeat::Safe,
                    &query,
                    self.variables(board, after.as_deref()),
                )
                .await?;
            if read.with_events && lacks_status_events(&gql) {
                warnings.push(
                    "this GitHub server's GraphQL API has no record of Status changes; each \
                     project item's status counts from when it was last set"
                        .into(),
                );
                self.no_status_events = true;
                read.with_events = false;
                read.issues.clear();
                after = None;
                continue;
            }
            self.asked.project_pages += 1;
            let (layout, project) = layout(board, &gql)?;
            let hidden: Vec<&GqlError> = gql.errors.iter().filter(|e| e.at("items")).collect();
            if let Some(first) = hidden.first() {
                unseen += hidden.len();
                unseen_why.get_or_insert_with(|| first.said());
            }
            let items = &project["items"];
            for node in items["nodes"].as_array().into_iter().flatten() {
                self.take_item(board, &layout.project, node, &mut read, &mut odd);
            }
            read.layout = layout;
            let page = &items["pageInfo"];
            match (page["hasNextPage"].as_bool(), page["endCursor"].as_str()) {
                (Some(true), Some(cursor)) if after.as_deref() != Some(cursor) => {
                    after = Some(cursor.to_string());
                }
                _ => break,
            }
        }
        crate::sources::lenient::warn_each(odd, super::NAMED_SKIPS, warnings);
        if let Some(why) = unseen_why {
            warnings.push(format!(
                "{unseen} items of project {} are left out: GitHub would not show them to \
                 this token ({why})",
                board.number
            ));
        }
        Ok(read)
    }

    fn take_item(
        &self,
        board: &Board,
        project: &str,
        node: &Value,
        read: &mut BoardRead,
        odd: &mut Vec<String>,
    ) {
        let content = &node["content"];
        if content["__typename"].as_str() != Some("Issue") {
            return;
        }
        let repo = content["repository"]["nameWithOwner"]
            .as_str()
            .unwrap_or("");
        let Some(synced) = self
            .settings
            .repos
            .iter()
            .find(|r| r.eq_ignore_ascii_case(repo))
        else {
            return;
        };
        let who = match content["number"].as_u64() {
            Some(n) => format!("{synced}#{n}"),
            None => format!(
                "item {}",
                crate::text::sanitize(node["id"].as_str().unwrap_or("without an id"))
            ),
        };
        let parsed = ItemNode::deserialize(node).and_then(|item| {
            let issue = IssueNode::deserialize(item.content.unwrap_or_default())?;
            let value = match item.field_value_by_name {
                Some(v) if !v.is_null() && v.get("name").is_some() => {
                    Some(FieldValue::deserialize(v)?)
                }
                _ => None,
            };
            Ok(issue.into_parts(item.id, value, project))
        });
        match parsed {
            Ok((entry, issue)) => {
                read.issues
                    .insert((synced.clone(), issue.number), (entry, issue));
            }
            Err(e) => odd.push(format!(
                "project {} item {who} skipped: {}",
                board.number,
                crate::sources::lenient::reason(&e)
            )),
        }
    }
}
