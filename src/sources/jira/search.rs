//! A page of `POST /rest/api/3/search/jql`, read in one pass.
//!
//! The story points field's id differs per site, so it cannot be a derived field. Reading
//! each issue's fields a second time to find it (or keeping them raw to read later) cost
//! a fifth of a sync's parsing; here it is a seed carried down to the fields instead.

use chrono::{DateTime, FixedOffset};
use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::dto::{Assignee, IssueStatus, NameOnly, Named, ProjectKey, Text};

#[derive(Debug)]
pub struct SearchPage<'a> {
    pub issues: Vec<Issue<'a>>,
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
}

/// Reads a search page.
#[derive(Clone, Copy)]
pub struct SearchSeed<'p> {
    /// Whether the fields are wanted: a sweep asks for ids only, and whatever Jira sends
    /// under `fields` then (nothing, `{}` or `null`) must not fail it.
    with_fields: bool,
    /// The id of the site's story points field, if it has one.
    points: Option<&'p str>,
}

impl<'p> SearchSeed<'p> {
    pub const IDS: SearchSeed<'static> = SearchSeed {
        with_fields: false,
        points: None,
    };

    pub fn fields(points: Option<&'p str>) -> SearchSeed<'p> {
        SearchSeed {
            with_fields: true,
            points,
        }
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

impl<'de> DeserializeSeed<'de> for Issues<'_> {
    type Value = Vec<Issue<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Issue<'de>>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Issues<'_> {
    type Value = Vec<Issue<'de>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of issues")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Issue<'de>>, A::Error> {
        let mut issues = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(issue) = seq.next_element_seed(IssueSeed(self.0))? {
            issues.push(issue);
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
        let (mut id, mut key, mut fields, mut points) = (None, None, None, None);
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
        Ok(Issue {
            id: id.ok_or_else(|| A::Error::missing_field("id"))?,
            key: key.unwrap_or_default(),
            fields,
            points,
        })
    }
}

struct FieldsSeed<'p>(SearchSeed<'p>);

/// `null` fields read as none: the issue is then refused by name where they are needed.
impl<'de> DeserializeSeed<'de> for FieldsSeed<'_> {
    type Value = Option<(Fields<'de>, Option<f64>)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed<'_> {
    type Value = Option<(Fields<'de>, Option<f64>)>;

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
        let mut points = None;
        while let Some(name) = map.next_key::<Text<'de>>()? {
            match &*name {
                "summary" => summary = map.next_value()?,
                "status" => status = Some(map.next_value()?),
                "assignee" => assignee = map.next_value()?,
                "priority" => priority = map.next_value()?,
                "labels" => labels = map.next_value()?,
                "created" => created = Some(map.next_value::<Time>()?.0),
                "updated" => updated = Some(map.next_value::<Time>()?.0),
                "resolution" => resolution = map.next_value()?,
                "resolutiondate" => resolutiondate = map.next_value::<Option<Time>>()?,
                "project" => project = Some(map.next_value()?),
                n if Some(n) == self.0.points => points = map.next_value::<Number>()?.0,
                _ => drop(map.next_value::<IgnoredAny>()?),
            }
        }
        let missing = A::Error::missing_field;
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

/// A number, or nothing for anything else: a site's story points field may hold text or an
/// object, and that must not cost the issue.
struct Number(Option<f64>);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
        d.deserialize_any(AnyNumber).map(Number)
    }
}

struct AnyNumber;

impl<'de> Visitor<'de> for AnyNumber {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Option<f64>, E> {
        Ok(Some(v))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: Error>(self, v: i64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: Error>(self, v: u64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Option<f64>, E> {
        Ok(None)
    }

    fn visit_str<E: Error>(self, _: &str) -> Result<Option<f64>, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }

    fn visit_none<E: Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<f64>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<f64>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
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
        page.issues[0].points
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
        let (a, b) = (&p.issues[0], &p.issues[1]);
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
    fn an_id_search_reads_ids_whatever_comes_under_fields() {
        let json = r#"{"issues":[{"id":"1","fields":{}},{"id":"2","fields":null},{"id":"3"}]}"#;
        let mut reader = serde_json::Deserializer::from_str(json);
        let ids = SearchSeed::IDS.deserialize(&mut reader).expect("ids");
        let ids: Vec<&str> = ids.issues.iter().map(|i| &*i.id).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        let nulls = page(r#"{"issues":[{"id":"2","fields":null}]}"#, None).expect("null");
        assert!(
            nulls.issues[0].fields.is_none(),
            "refused later, by issue key"
        );
    }

    #[test]
    fn an_issue_without_what_lookout_needs_is_refused_by_name() {
        let err = page(r#"{"issues":[{"key":"A-1"}]}"#, None).expect_err("no id");
        assert!(err.to_string().contains("missing field `id`"), "{err}");
        let fields = r#"{"issues":[{"id":"1","fields":{"summary":"s"}}]}"#;
        let err = page(fields, None).expect_err("no status");
        assert!(err.to_string().contains("missing field `status`"), "{err}");
        let bad_time = r#"{"issues":[{"id":"1","fields":{"created":"soon"}}]}"#;
        let err = page(bad_time, None).expect_err("bad time");
        assert!(err.to_string().contains("is not a Jira time"), "{err}");
    }
}
