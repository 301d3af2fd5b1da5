//! Jira Cloud's JSON (REST v3), as it sends it; private to the connector.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::sources::lenient::Lenient;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub schema: Option<FieldSchema>,
}

#[derive(Debug, Deserialize)]
pub struct FieldSchema {
    #[serde(default, rename = "type")]
    pub kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectPage {
    pub values: Vec<ProjectDto>,
    #[serde(default = "yes")]
    pub is_last: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
pub struct ProjectDto {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDto {
    /// What changelogs name the status by (`from`, `to`): it outlives a rename.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub status_category: Category,
}

#[derive(Debug, Deserialize)]
pub struct Category {
    pub key: String,
}

/// The body of a search (`POST /rest/api/3/search/jql`).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Search<'a> {
    pub jql: &'a str,
    pub fields: &'a [String],
    pub max_results: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<&'a str>,
}

/// The body of a bulk changelog request (`POST /rest/api/3/changelog/bulkfetch`).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkFetch<'a> {
    /// Jira takes issue ids here as strings.
    #[serde(serialize_with = "ids_as_text")]
    pub issue_ids_or_keys: &'a [u64],
    pub field_ids: [&'static str; 3],
    pub max_results: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<&'a str>,
}

fn ids_as_text<S: serde::Serializer>(ids: &&[u64], s: S) -> Result<S::Ok, S::Error> {
    struct AsText(u64);
    impl serde::Serialize for AsText {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&self.0)
        }
    }
    s.collect_seq(ids.iter().map(|&id| AsText(id)))
}

/// A JSON string borrowed from the response body where it has no escapes, copied where it
/// has: a sync reads millions of strings it only looks at or interns.
#[derive(Debug)]
pub struct Text<'a>(pub Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'a>, D::Error> {
        struct Borrowing;
        impl<'de> serde::de::Visitor<'de> for Borrowing {
            type Value = Cow<'de, str>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                s: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(s))
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(s.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Cow::Owned(s))
            }
        }
        d.deserialize_str(Borrowing).map(Text)
    }
}

/// An issue's status: its name is kept, its category only looked at.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueStatus<'a> {
    pub name: String,
    #[serde(borrow)]
    pub status_category: Key<'a>,
}

#[derive(Debug, Deserialize)]
pub struct Key<'a> {
    #[serde(borrow)]
    pub key: Text<'a>,
}

#[derive(Debug, Deserialize)]
pub struct Named<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignee {
    #[serde(default)]
    pub display_name: String,
}

#[derive(Debug, Deserialize)]
pub struct ProjectKey {
    pub key: String,
}

/// An issue read for a write's precondition: only the fields a change touches.
#[derive(Debug, Deserialize)]
pub struct FactsIssue {
    pub fields: FactsFields,
}

#[derive(Debug, Deserialize)]
pub struct FactsFields {
    pub status: NameOnly,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub priority: Option<NameOnly>,
}

#[derive(Debug, Deserialize)]
pub struct NameOnly {
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub account_id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub account_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangelogPage<'a> {
    /// One issue's odd history costs that issue's history, not the page.
    #[serde(default, borrow)]
    pub issue_change_logs: Lenient<IssueChangelog<'a>>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// A changelog page read in one pass when every issue's history reads (nearly every page):
/// the lenient reading scans each issue twice, once to set it apart and once to read it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WholeChangelogPage<'a> {
    #[serde(default, borrow)]
    pub issue_change_logs: Vec<IssueChangelog<'a>>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

impl<'a> From<WholeChangelogPage<'a>> for ChangelogPage<'a> {
    fn from(page: WholeChangelogPage<'a>) -> Self {
        ChangelogPage {
            issue_change_logs: Lenient(page.issue_change_logs.into_iter().map(Ok).collect()),
            next_page_token: page.next_page_token,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueChangelog<'a> {
    #[serde(borrow)]
    pub issue_id: Text<'a>,
    #[serde(default, borrow)]
    pub change_histories: Vec<History<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct History<'a> {
    #[serde(deserialize_with = "jira_instant")]
    pub created: DateTime<Utc>,
    #[serde(default, borrow)]
    pub items: Vec<Item<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item<'a> {
    #[serde(default, borrow)]
    pub field_id: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub field: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub from_string: Option<Text<'a>>,
    #[serde(default, borrow)]
    pub to_string: Option<Text<'a>>,
    /// The id behind `toString`: for a status, the id that outlives a rename.
    #[serde(default, borrow)]
    pub to: Option<Text<'a>>,
}

impl Item<'_> {
    /// What the item changed: Jira names a field by id, older sites only by name.
    pub fn field(&self) -> &str {
        self.field_id
            .as_deref()
            .or(self.field.as_deref())
            .unwrap_or("")
    }
}

#[derive(Debug, Deserialize)]
pub struct Transitions {
    pub transitions: Vec<TransitionDto>,
}

#[derive(Debug, Deserialize)]
pub struct TransitionDto {
    pub id: String,
    pub name: String,
    /// The status the transition leads to; Jira Cloud sends it, but a transition without
    /// one is still usable, named for where it goes.
    #[serde(default)]
    pub to: Option<NameOnly>,
}

/// Jira writes times as `2024-03-01T10:00:00.000+0100` (no colon in the offset).
pub fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    jira_layout(s)
        .or_else(|| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z").ok())
        .or_else(|| DateTime::parse_from_rfc3339(s).ok())
}

/// Jira's own layout, `2024-01-31T09:15:00.000+0530`, read directly: a sync parses a few
/// hundred thousand of them, and a format-string parser costs several times more.
fn jira_layout(s: &str) -> Option<DateTime<FixedOffset>> {
    let b = s.as_bytes();
    let separators = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ];
    if b.len() != 28 || separators.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let n = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let sign = match b[23] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let offset = i32::try_from(n(24, 26)? * 3600 + n(26, 28)? * 60).ok()?;
    let zone = FixedOffset::east_opt(sign * offset)?;
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(n(0, 4)?).ok()?, n(5, 7)?, n(8, 10)?)?;
    let time =
        chrono::NaiveTime::from_hms_milli_opt(n(11, 13)?, n(14, 16)?, n(17, 19)?, n(20, 23)?)?;
    zone.from_local_datetime(&date.and_time(time)).single()
}

fn time_in<E: serde::de::Error>(s: &str) -> Result<DateTime<FixedOffset>, E> {
    parse_time(s).ok_or_else(|| E::custom(format!("{s:?} is not a Jira time")))
}

pub fn jira_time<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    time_in(&Text::deserialize(d)?)
}

/// The bulk changelog gives `created` as epoch milliseconds; the per-issue one as text.
fn jira_instant<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    struct Instant;
    impl serde::de::Visitor<'_> for Instant {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a Jira time (epoch milliseconds or text)")
        }

        fn visit_i64<E: serde::de::Error>(self, ms: i64) -> Result<DateTime<Utc>, E> {
            Utc.timestamp_millis_opt(ms)
                .single()
                .ok_or_else(|| E::custom(format!("{ms} is a time out of range")))
        }

        fn visit_u64<E: serde::de::Error>(self, ms: u64) -> Result<DateTime<Utc>, E> {
            let ms = i64::try_from(ms).map_err(|_| E::custom("a time out of range"))?;
            self.visit_i64(ms)
        }

        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<DateTime<Utc>, E> {
            time_in(s).map(|t| t.with_timezone(&Utc))
        }
    }
    d.deserialize_any(Instant)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorklogChanges {
    #[serde(default)]
    pub values: Vec<WorklogChange>,
    #[serde(default)]
    pub until: Option<i64>,
    #[serde(default = "yes")]
    pub last_page: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorklogChange {
    pub worklog_id: u64,
}

/// Some of one issue's worklogs: a search's `worklog` field (the first twenty) and a page of
/// `GET /rest/api/3/issue/{id}/worklog` have this shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorklogPage {
    #[serde(default)]
    pub start_at: usize,
    /// How many the issue has, all pages together.
    #[serde(default)]
    pub total: usize,
    /// One odd worklog costs itself only.
    #[serde(default)]
    pub worklogs: Lenient<Worklog>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Worklog {
    pub id: String,
    pub issue_id: String,
    #[serde(default)]
    pub author: Option<User>,
    #[serde(deserialize_with = "jira_time")]
    pub started: DateTime<FixedOffset>,
    #[serde(default)]
    pub time_spent_seconds: f64,
    /// ADF, or nothing.
    #[serde(default)]
    pub comment: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jira_times_read_directly_agree_with_the_general_parser() {
        for s in [
            "2024-01-31T09:15:00.000+0530",
            "2024-02-29T23:59:59.999-1100",
            "1999-12-31T00:00:00.001+0000",
        ] {
            let general = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z").expect(s);
            assert_eq!(jira_layout(s), Some(general), "{s}");
            assert_eq!(parse_time(s), Some(general), "{s}");
        }
        // Not Jira's layout: left to the general parsers, or refused.
        for s in [
            "2023-02-29T10:00:00.000+0000",
            "2024-01-31T09:15:00.000Z",
            "2024-01-31T9:15:00.000+0530x",
        ] {
            assert_eq!(jira_layout(s), None, "{s}");
        }
        assert!(parse_time("2024-01-31T09:15:00Z").is_some(), "RFC 3339");
        assert!(
            parse_time("2024-01-31T09:15:00.5+0100").is_some(),
            "other fractions"
        );
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn changelog_text_is_borrowed_where_it_can_be_and_unescaped_where_it_must() {
        let json = br#"{"issueChangeLogs":[{"issueId":"10001","changeHistories":[
            {"created":1706692500000,"items":[
                {"fieldId":"status","field":"status","fromString":"To Do","toString":"In \"Review\" \u00e9"},
                {"field":"assignee","fromString":null,"toString":"Ana"}]},
            {"created":"2024-01-31T14:45:00.000+0530","items":[]}]}],
            "nextPageToken":"t2"}"#;
        let page: ChangelogPage = serde_json::from_slice(json).expect("page");
        let log = page.issue_change_logs.0[0].as_ref().expect("readable");
        assert_eq!(&*log.issue_id, "10001");
        let items = &log.change_histories[0].items;
        assert_eq!(items[0].field(), "status");
        assert!(matches!(
            items[0].from_string.as_ref().map(|t| &t.0),
            Some(Cow::Borrowed("To Do"))
        ));
        assert_eq!(items[0].to_string.as_deref(), Some("In \"Review\" \u{e9}"));
        assert_eq!(
            items[1].field(),
            "assignee",
            "older sites name the field only"
        );
        assert_eq!(items[1].from_string.as_deref(), None);
        let at = |i: usize| log.change_histories[i].created;
        assert_eq!(at(0), at(1), "epoch milliseconds and Jira's text agree");
        assert_eq!(page.next_page_token.as_deref(), Some("t2"));

        let bad = br#"{"issueChangeLogs":[{"issueId":"1","changeHistories":[{"created":true}]}]}"#;
        let page = serde_json::from_slice::<ChangelogPage>(bad).expect("the page reads");
        let err = page.issue_change_logs.0[0]
            .as_ref()
            .expect_err("not a time");
        assert!(err.reason.contains("a Jira time"), "{err:?}");
        assert_eq!(err.name.as_deref(), Some("1"), "named by its issue id");
    }

    #[test]
    fn a_bulk_changelog_request_names_issues_by_id_text() {
        let body = BulkFetch {
            issue_ids_or_keys: &[10001, 7],
            field_ids: ["status", "assignee", "priority"],
            max_results: 1000,
            next_page_token: None,
        };
        let json = serde_json::to_value(&body).expect("json");
        assert_eq!(json["issueIdsOrKeys"], serde_json::json!(["10001", "7"]));
        assert_eq!(json["maxResults"], 1000);
        assert!(
            json.get("nextPageToken").is_none(),
            "absent on the first page"
        );
    }
}
