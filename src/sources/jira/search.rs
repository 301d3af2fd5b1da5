//! A page of `POST /rest/api/3/search/jql`, read in one pass.
//!
//! The story points field's id differs per site, so it cannot be a derived field. Reading
//! each issue's fields a second time to find it (or keeping them raw to read later) cost
//! a fifth of a sync's parsing; here it is a seed carried down to the fields instead.
//!
//! Each issue is taken as raw JSON first and then read, so one issue with a field of an
//! unexpected type is skipped with its key, the field and what was expected, and the rest of
//! the page reads. This module never decides what a skip means for a sync.

use chrono::{DateTime, FixedOffset};
use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::dto::{Assignee, IssueStatus, NameOnly, Named, ProjectKey, Text};
use crate::sources::http::{Body, HttpError};
use crate::sources::lenient::{self, Unreadable, read_one, without_position};

#[derive(Debug)]
pub struct SearchPage<'a> {
    /// In page order; an issue that does not read is its key and the reason.
    pub issues: Vec<Result<Issue<'a>, Unreadable>>,
    pub next_page_token: Option<String>,
    pub is_last: Option<bool>,
}

#[derive(Debug)]
pub struct Issue<'a> {
    pub id: Text<'a>,
    pub key: String,
    /// Absent when the search asked for ids only.
    pub fields: Option<Fields<'a>>,
    /// The story points, when the site has the field and the issue a number in it.
    pub points: Option<f64>,
    /// What the story points field held instead of a number of points, if anything.
    pub odd_points: Option<String>,
}

/// The fields lookout asks for.
#[derive(Debug)]
pub struct Fields<'a> {
    pub summary: String,
    pub status: IssueStatus<'a>,
    pub assignee: Option<Assignee>,
    pub priority: Option<Named<'a>>,
    pub labels: Vec<String>,
    pub created: DateTime<FixedOffset>,
    pub updated: DateTime<FixedOffset>,
    pub resolution: Option<NameOnly>,
    pub resolutiondate: Option<DateTime<FixedOffset>>,
    pub project: ProjectKey,
    /// The issue's first worklogs and how many it has, left unread until the issue is known
    /// to be new to the sync; `None` unless asked for.
    pub worklog: Option<&'a RawValue>,
}

/// Reads a search page.
#[derive(Clone, Copy)]
pub struct SearchSeed<'p> {
    /// Whether the fields are wanted: a sweep asks for ids only, and whatever Jira sends
    /// under `fields` then (nothing, `{}` or `null`) must not fail it.
    with_fields: bool,
    /// The id of the site's story points field, if it has one.
    points: Option<&'p str>,
    /// Whether the `worklog` field is kept (raw) for the sync to read.
    worklogs: bool,
    /// Whether an issue that does not read fails the whole reading (see `read_page`).
    strict: bool,
}

impl<'p> SearchSeed<'p> {
    pub const IDS: SearchSeed<'static> = SearchSeed {
        with_fields: false,
        points: None,
        worklogs: false,
        strict: false,
    };

    pub fn fields(points: Option<&'p str>) -> SearchSeed<'p> {
        SearchSeed {
            with_fields: true,
            points,
            worklogs: false,
            strict: false,
        }
    }

    /// The same reading, keeping each issue's `worklog` field when `keep` is set.
    pub fn with_worklogs(self, keep: bool) -> SearchSeed<'p> {
        SearchSeed {
            worklogs: keep,
            ..self
        }
    }
}

/// A page of issues read as `body.parse_seed(seed)` reads it, in one pass when every issue
/// reads (nearly every page): the issue-by-issue reading scans each issue twice, once to set
/// it apart and once to read it. Only a page with an odd issue is read again issue by issue.
pub fn read_page<'de>(body: &'de Body, seed: SearchSeed<'_>) -> Result<SearchPage<'de>, HttpError> {
    let strict = SearchSeed {
        strict: true,
        ..seed
    };
    match lenient::strictly_with(body.bytes(), strict) {
        Some(page) => Ok(page),
        None => body.parse_seed(seed),
    }
}

impl<'de> DeserializeSeed<'de> for SearchSeed<'_> {
    type Value = SearchPage<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<SearchPage<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SearchSeed<'_> {
    type Value = SearchPage<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a page of issues")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SearchPage<'de>, A::Error> {
        let mut page = SearchPage {
            issues: Vec::new(),
            next_page_token: None,
            is_last: None,
        };
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match &*key {
                "issues" => page.issues = map.next_value_seed(Issues(self))?,
                "nextPageToken" => page.next_page_token = map.next_value()?,
                "isLast" => page.is_last = map.next_value()?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        Ok(page)
    }
}

struct Issues<'p>(SearchSeed<'p>);

type Read<'de> = Vec<Result<Issue<'de>, Unreadable>>;

impl<'de> DeserializeSeed<'de> for Issues<'_> {
    type Value = Read<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Read<'de>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Issues<'_> {
    type Value = Read<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of issues")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Read<'de>, A::Error> {
        let mut issues = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        if self.0.strict {
            while let Some(issue) = seq.next_element_seed(IssueSeed(self.0))? {
                issues.push(Ok(issue));
            }
            return Ok(issues);
        }
        // Raw first: an error inside an issue leaves the reader mid-issue, so the issue is
        // delimited before it is read. Its strings still borrow from the page.
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            issues.push(read_one(raw, IssueSeed(self.0)));
        }
        Ok(issues)
    }
}

struct IssueSeed<'p>(SearchSeed<'p>);

impl<'de> DeserializeSeed<'de> for IssueSeed<'_> {
    type Value = Issue<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Issue<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for IssueSeed<'_> {
    type Value = Issue<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an issue")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Issue<'de>, A::Error> {
        let (mut id, mut key, mut fields, mut points) = (None, None, None, Points::Absent);
        while let Some(name) = map.next_key::<Text<'de>>()? {
            match &*name {
                "id" => id = Some(map.next_value()?),
                "key" => key = map.next_value()?,
                "fields" if self.0.with_fields => {
                    if let Some((f, p)) = map.next_value_seed(FieldsSeed(self.0))? {
                        fields = Some(f);
                        points = p;
                    }
                }
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        let (points, odd_points) = match points {
            Points::Absent => (None, None),
            Points::Number(n) => (Some(n), None),
            Points::Odd(what) => (None, Some(what)),
        };
        Ok(Issue {
            id: id.ok_or_else(|| A::Error::missing_field("id"))?,
            key: key.unwrap_or_default(),
            fields,
            points,
            odd_points,
        })
    }
}

struct FieldsSeed<'p>(SearchSeed<'p>);

type FieldsRead<'de> = Option<(Fields<'de>, Points)>;

/// `null` fields read as none: the issue is then refused by name where they are needed.
impl<'de> DeserializeSeed<'de> for FieldsSeed<'_> {
    type Value = FieldsRead<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed<'_> {
    type Value = FieldsRead<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an issue's fields")
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut summary, mut status, mut assignee, mut priority) = (None, None, None, None);
        let (mut labels, mut created, mut updated) = (None, None, None);
        let (mut resolution, mut resolutiondate, mut project) = (None, None, None);
        let (mut points, mut worklog) = (Points::Absent, None);
        while let Some(name) = map.next_key::<Text<'de>>()? {
            // The field goes with the error: a user can find it in the issue.
            let named = |e: A::Error| {
                let e = e.to_string();
                A::Error::custom(format_args!("field `{}`: {}", &*name, without_position(&e)))
            };
            match &*name {
                "summary" => summary = map.next_value().map_err(named)?,
                "status" => status = Some(map.next_value().map_err(named)?),
                "assignee" => assignee = map.next_value().map_err(named)?,
                "priority" => priority = map.next_value().map_err(named)?,
                "labels" => labels = map.next_value().map_err(named)?,
                "created" => created = Some(map.next_value::<Time>().map_err(named)?.0),
                "updated" => updated = Some(map.next_value::<Time>().map_err(named)?.0),
                "resolution" => resolution = map.next_value().map_err(named)?,
                "resolutiondate" => {
                    resolutiondate = map.next_value::<Option<Time>>().map_err(named)?;
                }
                "project" => project = Some(map.next_value().map_err(named)?),
                "worklog" if self.0.worklogs => worklog = map.next_value().map_err(named)?,
                n if Some(n) == self.0.points => points = map.next_value::<Points>()?,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        let missing = |f: &str| A::Error::custom(format_args!("field `{f}`: missing"));
        let fields = Fields {
            summary: summary.unwrap_or_default(),
            status: status.ok_or_else(|| missing("status"))?,
            assignee,
            priority,
            labels: labels.unwrap_or_default(),
            created: created.ok_or_else(|| missing("created"))?,
            updated: updated.ok_or_else(|| missing("updated"))?,
            resolution,
            resolutiondate: resolutiondate.map(|t| t.0),
            project: project.ok_or_else(|| missing("project"))?,
            worklog,
        };
        Ok(Some((fields, points)))
    }
}

/// A time as Jira writes it.
struct Time(DateTime<FixedOffset>);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        super::dto::jira_time(d).map(Time)
    }
}

/// A story points value: a site's field may hold text or an object, and that must not cost
/// the issue, only its estimate (and a warning saying what was there).
#[derive(Debug, Clone, PartialEq)]
enum Points {
    Absent,
    Number(f64),
    /// Not a number of points: what was there, as the user would see it in Jira.
    Odd(String),
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Points, D::Error> {
        d.deserialize_any(AnyPoints)
    }
}

struct AnyPoints;

impl<'de> Visitor<'de> for AnyPoints {
    type Value = Points;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Points, E> {
        Ok(if v.is_finite() && v >= 0.0 {
            Points::Number(v)
        } else {
            Points::Odd(v.to_string())
        })
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: Error>(self, v: i64) -> Result<Points, E> {
        self.visit_f64(v as f64)
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: Error>(self, v: u64) -> Result<Points, E> {
        self.visit_f64(v as f64)
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<Points, E> {
        Ok(Points::Odd(v.to_string()))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Points, E> {
        let shown: String = v.chars().take(40).collect();
        Ok(Points::Odd(format!("the text {shown:?}")))
    }

    fn visit_unit<E: Error>(self) -> Result<Points, E> {
        Ok(Points::Absent)
    }

    fn visit_none<E: Error>(self) -> Result<Points, E> {
        Ok(Points::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Points, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Points, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Points::Odd("a list".into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Points, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Points::Odd("an object".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page<'a>(json: &'a str, points: Option<&str>) -> Result<SearchPage<'a>, serde_json::Error> {
        let mut reader = serde_json::Deserializer::from_str(json);
        let page = SearchSeed::fields(points).deserialize(&mut reader)?;
        reader.end()?;
        Ok(page)
    }

    /// The story points of an issue with these fields, read through field `id`.
    fn points(fields: &str, id: &str) -> Option<f64> {
        let base = r#""status":{"name":"x","statusCategory":{"key":"new"}},"project":{"key":"A"},"created":"2024-01-31T09:15:00.000+0530","updated":"2024-01-31T09:15:00.000+0530""#;
        let json =
            format!(r#"{{"issues":[{{"id":"1","key":"A-1","fields":{{{base},{fields}}}}}]}}"#);
        let page = page(&json, Some(id)).expect("page");
        page.issues[0].as_ref().expect("readable").points
    }

    #[test]
    fn a_number_is_found_among_other_fields_and_anything_else_is_none() {
        let fields = r#""customfield_1":{"a":[1,2]},"customfield_2":3.5,"summary":"s""#;
        assert_eq!(points(fields, "customfield_2"), Some(3.5));
        assert_eq!(points(fields, "customfield_3"), None, "absent");
        assert_eq!(points(fields, "customfield_1"), None, "an object");
        assert_eq!(points(r#""customfield_2":null"#, "customfield_2"), None);
        assert_eq!(points(r#""customfield_2":"8""#, "customfield_2"), None);
        assert_eq!(points(r#""customfield_2":[8]"#, "customfield_2"), None);
        assert_eq!(points(r#""customfield_2":8"#, "customfield_2"), Some(8.0));
    }

    #[test]
    fn a_page_reads_its_issues_paging_and_fields() {
        let json = r#"{"isLast":false,"nextPageToken":"t2","ignored":{"x":[1]},"issues":[
            {"id":"10001","key":"OPS-1","expand":"x","fields":{
                "summary":"Rotate \"keys\"","status":{"name":"In Progress","statusCategory":{"key":"indeterminate"}},
                "assignee":{"accountId":"a1","displayName":"Ana"},"priority":{"name":"High"},
                "labels":["sec"],"created":"2024-01-31T09:15:00.000+0530",
                "updated":"2024-02-01T10:00:00.000+0000","resolution":null,"resolutiondate":null,
                "project":{"key":"OPS","name":"Ops"},"customfield_9":5}},
            {"id":"10002"}]}"#;
        let p = page(json, Some("customfield_9")).expect("page");
        assert_eq!(p.next_page_token.as_deref(), Some("t2"));
        assert_eq!(p.is_last, Some(false));
        assert_eq!(p.issues.len(), 2);
        let read = |i: usize| p.issues[i].as_ref().expect("readable");
        let (a, b) = (read(0), read(1));
        let f = a.fields.as_ref().expect("fields");
        assert_eq!(
            (&*a.id, a.key.as_str(), a.points),
            ("10001", "OPS-1", Some(5.0))
        );
        assert_eq!(f.summary, "Rotate \"keys\"");
        assert_eq!(&*f.status.status_category.key, "indeterminate");
        assert_eq!(
            f.assignee.as_ref().map(|a| a.display_name.as_str()),
            Some("Ana")
        );
        assert_eq!(f.priority.as_ref().map(|p| &*p.name), Some("High"));
        assert_eq!(f.created.to_rfc3339(), "2024-01-31T09:15:00+05:30");
        assert_eq!(f.resolutiondate, None);
        assert_eq!(f.project.key, "OPS");
        assert!(b.fields.is_none() && b.points.is_none(), "ids only");
    }

    #[test]
    fn the_worklog_field_is_kept_raw_only_when_asked_for() {
        let base = r#""status":{"name":"x","statusCategory":{"key":"new"}},"project":{"key":"A"},"created":"2024-01-31T09:15:00.000+0530","updated":"2024-01-31T09:15:00.000+0530""#;
        let log = r#"{"startAt":0,"total":1,"worklogs":[{"id":"9"}]}"#;
        let json = format!(
            r#"{{"issues":[{{"id":"1","fields":{{{base},"worklog":{log}}}}},{{"id":"2","fields":{{{base},"worklog":null}}}}]}}"#
        );
        let read = |keep: bool| {
            let mut reader = serde_json::Deserializer::from_str(&json);
            let seed = SearchSeed::fields(None).with_worklogs(keep);
            let page = seed.deserialize(&mut reader).expect("page");
            page.issues
                .iter()
                .map(|i| {
                    let f = i
                        .as_ref()
                        .expect("readable")
                        .fields
                        .as_ref()
                        .expect("fields");
                    f.worklog.map(|w| w.get().to_string())
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(read(true), [Some(log.to_string()), None]);
        assert_eq!(read(false), [None, None], "skipped unread");
    }

    #[test]
    fn an_id_search_reads_ids_whatever_comes_under_fields() {
        let json = r#"{"issues":[{"id":"1","fields":{}},{"id":"2","fields":null},{"id":"3"}]}"#;
        let mut reader = serde_json::Deserializer::from_str(json);
        let ids = SearchSeed::IDS.deserialize(&mut reader).expect("ids");
        let ids: Vec<&str> = ids.issues.iter().flatten().map(|i| &*i.id).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        let nulls = page(r#"{"issues":[{"id":"2","fields":null}]}"#, None).expect("null");
        assert!(
            nulls.issues[0].as_ref().is_ok_and(|i| i.fields.is_none()),
            "refused later, by issue key"
        );
    }

    #[test]
    fn an_odd_issue_is_named_with_its_field_and_the_rest_of_the_page_reads() {
        let good = r#"{"id":"1","key":"A-1","fields":{"status":{"name":"x","statusCategory":{"key":"new"}},"project":{"key":"A"},"created":"2024-01-31T09:15:00.000+0530","updated":"2024-01-31T09:15:00.000+0530"}}"#;
        let odd = [
            (r#"{"key":"A-2"}"#, "missing field `id`"),
            (
                r#"{"id":"3","key":"A-3","fields":{"summary":"s"}}"#,
                "field `status`: missing",
            ),
            (
                r#"{"id":"4","key":"A-4","fields":{"updated":1706692500000}}"#,
                "field `updated`: invalid type: integer `1706692500000`, expected a string",
            ),
            (
                r#"{"id":"5","key":"A-5","fields":{"created":"soon"}}"#,
                "field `created`: \"soon\" is not a Jira time",
            ),
            (
                r#"{"id":"6","key":"A-6","fields":{"status":"Done"}}"#,
                "field `status`: invalid type: string \"Done\", expected struct IssueStatus",
            ),
        ];
        let list: Vec<&str> = std::iter::once(good)
            .chain(odd.iter().map(|o| o.0))
            .chain(std::iter::once(good))
            .collect();
        let json = format!(r#"{{"issues":[{}],"isLast":true}}"#, list.join(","));
        let p = page(&json, None).expect("the page reads");
        assert_eq!(p.is_last, Some(true), "read past the odd issues");
        assert_eq!(p.issues.iter().filter(|i| i.is_ok()).count(), 2);
        let skipped: Vec<(String, String)> = p
            .issues
            .iter()
            .filter_map(|i| i.as_ref().err())
            .map(|u| (u.name_or("?").to_string(), u.reason.clone()))
            .collect();
        let want: Vec<(String, String)> = ["A-2", "A-3", "A-4", "A-5", "A-6"]
            .iter()
            .zip(odd.iter())
            .map(|(k, o)| (k.to_string(), o.1.to_string()))
            .collect();
        assert_eq!(skipped, want);
    }

    #[test]
    fn a_page_read_in_one_pass_is_the_page_read_issue_by_issue() {
        let good = |id: u32| {
            format!(
                r#"{{"id":"{id}","key":"A-{id}","fields":{{"summary":"s{id}","status":{{"name":"x","statusCategory":{{"key":"new"}}}},"project":{{"key":"A"}},"created":"2024-01-31T09:15:00.000+0530","updated":"2024-01-31T09:15:00.000+0530","customfield_2":3}}}}"#
            )
        };
        let odd = r#"{"id":"9","key":"A-9","fields":{"status":"Done"}}"#;
        let pages = [
            format!(r#"{{"issues":[{},{}],"isLast":true}}"#, good(1), good(2)),
            format!(
                r#"{{"issues":[{},{odd},{}],"nextPageToken":"t"}}"#,
                good(1),
                good(2)
            ),
            r#"{"issues":[]}"#.to_string(),
        ];
        for (i, json) in pages.iter().enumerate() {
            let strict = SearchSeed {
                strict: true,
                ..SearchSeed::fields(Some("customfield_2"))
            };
            let mut reader = serde_json::Deserializer::from_str(json);
            assert_eq!(
                strict.deserialize(&mut reader).is_ok(),
                i != 1,
                "only the page with an odd issue is read again issue by issue"
            );
            let body = Body::of("https://x/rest/api/3/search/jql", json.as_bytes());
            let fast = read_page(&body, SearchSeed::fields(Some("customfield_2"))).expect("reads");
            let slow = page(json, Some("customfield_2")).expect("reads");
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{json}");
        }
        let body = Body::of("https://x/rest/api/3/search/jql", b"{\"issues\": 7}");
        assert!(
            read_page(&body, SearchSeed::IDS).is_err(),
            "a page that is not one fails"
        );
    }

    #[test]
    fn odd_story_points_cost_the_estimate_only_and_say_what_was_there() {
        let read = |value: &str| {
            let base = r#""status":{"name":"x","statusCategory":{"key":"new"}},"project":{"key":"A"},"created":"2024-01-31T09:15:00.000+0530","updated":"2024-01-31T09:15:00.000+0530""#;
            let json = format!(
                r#"{{"issues":[{{"id":"1","key":"A-1","fields":{{{base},"customfield_2":{value}}}}}]}}"#
            );
            let p = page(&json, Some("customfield_2")).expect("page");
            let i = p.issues[0].as_ref().expect("kept");
            (i.points, i.odd_points.clone())
        };
        assert_eq!(read("5"), (Some(5.0), None));
        assert_eq!(read("null"), (None, None));
        assert_eq!(
            read(r#""-1""#),
            (None, Some(r#"the text "-1""#.to_string()))
        );
        assert_eq!(read("-1"), (None, Some("-1".to_string())));
        assert_eq!(
            read(r#"{"value":3}"#),
            (None, Some("an object".to_string()))
        );
    }
}
