//! Jira Cloud's JSON (REST v3), as it sends it; private to the connector.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

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
    pub name: String,
    pub status_category: Category,
}

#[derive(Debug, Deserialize)]
pub struct Category {
    pub key: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    #[serde(default)]
    pub issues: Vec<Issue>,
    #[serde(default)]
    pub next_page_token: Option<String>,
    #[serde(default)]
    pub is_last: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct Issue {
    pub id: String,
    #[serde(default)]
    pub key: String,
    /// Kept raw: the story points field's id differs per site, so it is read in a second,
    /// borrowing pass (`points`) instead of a slow `flatten` into a map.
    #[serde(default)]
    pub fields: Option<Box<serde_json::value::RawValue>>,
}

impl Issue {
    pub fn fields(&self) -> Result<Option<Fields>, serde_json::Error> {
        self.fields
            .as_ref()
            .map(|raw| serde_json::from_str(raw.get()))
            .transpose()
    }

    /// The number in field `id`, if the issue has one.
    pub fn number(&self, id: &str) -> Option<f64> {
        let raw = self.fields.as_ref()?;
        let mut reader = serde_json::Deserializer::from_str(raw.get());
        serde::de::DeserializeSeed::deserialize(NumberAt(id), &mut reader)
            .ok()
            .flatten()
    }
}

/// The fields lookout asks for.
#[derive(Debug, Deserialize)]
pub struct Fields {
    #[serde(default)]
    pub summary: String,
    pub status: StatusDto,
    #[serde(default)]
    pub assignee: Option<User>,
    #[serde(default)]
    pub priority: Option<NameOnly>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(deserialize_with = "jira_time")]
    pub created: DateTime<FixedOffset>,
    #[serde(deserialize_with = "jira_time")]
    pub updated: DateTime<FixedOffset>,
    #[serde(default)]
    pub resolution: Option<NameOnly>,
    #[serde(default, deserialize_with = "jira_time_opt")]
    pub resolutiondate: Option<DateTime<FixedOffset>>,
    pub project: ProjectKey,
}

#[derive(Debug, Deserialize)]
pub struct ProjectKey {
    pub key: String,
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
pub struct ChangelogPage {
    #[serde(default)]
    pub issue_change_logs: Vec<IssueChangelog>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueChangelog {
    pub issue_id: String,
    #[serde(default)]
    pub change_histories: Vec<History>,
}

#[derive(Debug, Deserialize)]
pub struct History {
    #[serde(deserialize_with = "jira_instant")]
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    #[serde(default)]
    pub field_id: Option<String>,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub from_string: Option<String>,
    #[serde(default)]
    pub to_string: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Transitions {
    pub transitions: Vec<TransitionDto>,
}

#[derive(Debug, Deserialize)]
pub struct TransitionDto {
    pub id: String,
    pub name: String,
    pub to: NameOnly,
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

fn jira_time<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    let s = String::deserialize(d)?;
    parse_time(&s).ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a Jira time")))
}

fn jira_time_opt<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    match s {
        None => Ok(None),
        Some(s) => parse_time(&s)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a Jira time"))),
    }
}

/// The bulk changelog gives `created` as epoch milliseconds; the per-issue one as text.
fn jira_instant<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_i64()
            .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
            .ok_or_else(|| serde::de::Error::custom("a time out of range")),
        Value::String(s) => parse_time(&s)
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a Jira time"))),
        other => Err(serde::de::Error::custom(format!(
            "{other} is not a Jira time"
        ))),
    }
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

/// The number under one key of a JSON object. Walks the object without building it: the
/// fields of a hundred thousand issues would otherwise each become a map first.
struct NumberAt<'k>(&'k str);

/// Whether an object key is the wanted one, compared where it lies.
struct KeyIs<'k>(&'k str);

impl<'de> serde::de::DeserializeSeed<'de> for NumberAt<'_> {
    type Value = Option<f64>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NumberAt<'_> {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of fields")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Option<f64>, A::Error> {
        let mut found = None;
        while let Some(wanted) = map.next_key_seed(KeyIs(self.0))? {
            if wanted {
                found = map.next_value::<Option<f64>>()?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field id")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(fields: &str) -> Issue {
        serde_json::from_str(&format!(r#"{{"id":"1","key":"A-1","fields":{fields}}}"#))
            .expect("issue")
    }

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
    fn a_number_is_found_among_other_fields_and_anything_else_is_none() {
        let i = issue(
            r#"{"status":{"name":"x","statusCategory":{"key":"new"}},"customfield_1":{"a":[1,2]},"customfield_2":3.5,"summary":"s"}"#,
        );
        assert_eq!(i.number("customfield_2"), Some(3.5));
        assert_eq!(i.number("customfield_3"), None, "absent");
        assert_eq!(i.number("customfield_1"), None, "not a number");
        assert_eq!(
            issue(r#"{"customfield_2":null}"#).number("customfield_2"),
            None
        );
        assert_eq!(
            issue(r#"{"customfield_2":"8"}"#).number("customfield_2"),
            None
        );
        assert_eq!(
            issue(r#"{"customfield_2":8}"#).number("customfield_2"),
            Some(8.0)
        );
    }
}
