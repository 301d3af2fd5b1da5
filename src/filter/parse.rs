//! The filter line's text to terms: words, quoted phrases, `field:value[,value]`, `age>7d`,
//! each optionally negated with `-`. Mistakes come back with the column they start at and
//! what would be right there.

use crate::domain::Priority;

use super::FilterError;
use super::needle::Needle;

/// One condition of a filter; a query holds all of them and a row must meet every one.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub negated: bool,
    pub test: Test,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// In the key, the title or the assignee's name.
    Text(Needle),
    /// Any of the project keys (or `SOURCE/KEY`), exactly.
    Project(Vec<Needle>),
    Assignee(Vec<Who>),
    /// In the status name or the name of its category, spaces and punctuation aside.
    Status(Vec<Needle>),
    /// One bit per `Priority`, by its position in the enum.
    Priority(u8),
    Label(Vec<Needle>),
    Source(Vec<Needle>),
    Time {
        since: Since,
        cmp: Cmp,
        seconds: i64,
    },
    Stalled,
    HasSuggestion,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    Nobody,
    Me,
    Name(Needle),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Created,
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Over,
    AtLeast,
    Under,
    AtMost,
}

const FIELDS: &str = "project, assignee, status, priority, label, source, age, idle, stalled, has";
const PRIORITIES: [Priority; 5] = [
    Priority::Lowest,
    Priority::Low,
    Priority::Medium,
    Priority::High,
    Priority::Highest,
];

/// The bit `Test::Priority` uses for `p`.
pub fn priority_bit(p: Priority) -> u8 {
    1 << (p as u8)
}

/// A value as typed: quoted values are taken literally (`assignee:"none"` is a name).
struct Value {
    text: String,
    quoted: bool,
    column: usize,
}

pub fn terms(text: &str) -> Result<Vec<Term>, FilterError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        at: 0,
    };
    let mut out = Vec::new();
    loop {
        while p.peek().is_some_and(char::is_whitespace) {
            p.at += 1;
        }
        if p.peek().is_none() {
            return Ok(out);
        }
        out.push(p.term()?);
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn ended(&self) -> bool {
        self.peek().is_none_or(char::is_whitespace)
    }

    /// Columns are counted in characters from 1, as the line shows them.
    fn error(&self, at: usize, message: impl Into<String>) -> FilterError {
        FilterError {
            column: at + 1,
            message: message.into(),
        }
    }

    fn term(&mut self) -> Result<Term, FilterError> {
        let negated = self.peek() == Some('-');
        if negated {
            self.at += 1;
            if self.ended() {
                return Err(self.error(
                    self.at - 1,
                    "\"-\" leaves out what follows it, with no space: e.g. -label:wontfix or -stalled",
                ));
            }
        }
        let test = self.test()?;
        Ok(Term { negated, test })
    }

    fn test(&mut self) -> Result<Test, FilterError> {
        let start = self.at;
        if self.peek() == Some('"') {
            let v = self.quoted()?;
            return Ok(Test::Text(Needle::new(&v.text)));
        }
        let mut end = start;
        while self.chars.get(end).is_some_and(char::is_ascii_alphabetic) {
            end += 1;
        }
        let name: String = self.chars[start..end].iter().collect();
        let name = name.to_ascii_lowercase();
        let after = self.chars.get(end).copied();
        let timed = match name.as_str() {
            "age" => Some(Since::Created),
            "idle" => Some(Since::Updated),
            _ => None,
        };
        match (after, timed) {
            (Some('>' | '<'), Some(since)) => {
                self.at = end;
                return self.time(&name, since);
            }
            (Some(':' | '='), Some(_)) => {
                return Err(self.error(
                    end,
                    format!("{name} compares with > or <, then a number and a unit (h, d or w): e.g. {name}>7d, {name}<2w, {name}>=36h"),
                ));
            }
            (Some(':'), None) if end > start => {
                self.at = end + 1;
                return self.field(&name, start);
            }
            _ => {}
        }
        let word = self.bare();
        if word.eq_ignore_ascii_case("stalled") {
            return Ok(Test::Stalled);
        }
        Ok(Test::Text(Needle::new(&word)))
    }

    /// A word up to the next space, quotes and all.
    fn bare(&mut self) -> String {
        let start = self.at;
        while !self.ended() {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    /// A quoted string starting at the current `"`; the quotes are not part of it.
    fn quoted(&mut self) -> Result<Value, FilterError> {
        let open = self.at;
        let Some(len) = self.chars[open + 1..].iter().position(|&c| c == '"') else {
            return Err(self.error(
                open,
                "this quote is never closed: add a \" after the text it starts",
            ));
        };
        self.at = open + 1 + len + 1;
        Ok(Value {
            text: self.chars[open + 1..open + 1 + len].iter().collect(),
            quoted: true,
            column: open,
        })
    }

    /// The values after `field:`, separated by commas, each bare or quoted.
    fn values(&mut self, field: &str) -> Result<Vec<Value>, FilterError> {
        let mut out = Vec::new();
        loop {
            if self.ended() {
                let message = if out.is_empty() {
                    format!(
                        "{field}: needs a value right after the colon: e.g. {}",
                        example(field)
                    )
                } else {
                    format!(
                        "nothing after the comma: list another {field} (e.g. {}) or remove the comma",
                        example(field)
                    )
                };
                return Err(self.error(self.at, message));
            }
            let v = if self.peek() == Some('"') {
                self.quoted()?
            } else {
                let start = self.at;
                while !self.ended() && self.peek() != Some(',') {
                    self.at += 1;
                }
                Value {
                    text: self.chars[start..self.at].iter().collect(),
                    quoted: false,
                    column: start,
                }
            };
            if v.text.trim().is_empty() {
                return Err(self.error(
                    v.column,
                    format!("empty {field}: put a name here, e.g. {}", example(field)),
                ));
            }
            out.push(v);
            match self.peek() {
                Some(',') => self.at += 1,
                _ if self.ended() => return Ok(out),
                _ => {
                    return Err(self.error(
                        self.at,
                        "after a quoted value comes a comma and another value, or a space and the next term",
                    ));
                }
            }
        }
    }

    fn field(&mut self, name: &str, start: usize) -> Result<Test, FilterError> {
        let needles = |vs: Vec<Value>| vs.iter().map(|v| Needle::new(&v.text)).collect();
        Ok(match name {
            "project" => Test::Project(needles(self.values(name)?)),
            "status" => Test::Status(needles(self.values(name)?)),
            "label" => Test::Label(needles(self.values(name)?)),
            "source" => Test::Source(needles(self.values(name)?)),
            "assignee" => Test::Assignee(self.values(name)?.iter().map(who).collect()),
            "priority" => Test::Priority(
                self.values(name)?
                    .iter()
                    .fold(0, |m, v| m | priorities(&v.text)),
            ),
            "has" => {
                for v in self.values(name)? {
                    if !matches!(v.text.to_lowercase().as_str(), "suggestion" | "suggestions") {
                        return Err(self.error(
                            v.column,
                            format!(
                                "has: knows only suggestion (has:suggestion), not \"{}\"",
                                v.text
                            ),
                        ));
                    }
                }
                Test::HasSuggestion
            }
            "stalled" => {
                return Err(self.error(
                    start,
                    "stalled takes no value: write stalled, or -stalled for the rest",
                ));
            }
            _ => {
                self.at = start;
                let term = self.bare();
                return Err(self.error(
                    start,
                    format!("unknown field \"{name}\"; fields are {FIELDS} (to search for the text itself, quote it: \"{term}\")"),
                ));
            }
        })
    }

    /// `>7d`, `<2w`, `>=36h`, `<=1.5d` after `age` or `idle`.
    fn time(&mut self, name: &str, since: Since) -> Result<Test, FilterError> {
        let cmp = match (self.peek(), self.chars.get(self.at + 1)) {
            (Some('>'), Some('=')) => Cmp::AtLeast,
            (Some('<'), Some('=')) => Cmp::AtMost,
            (Some('>'), _) => Cmp::Over,
            _ => Cmp::Under,
        };
        self.at += if matches!(cmp, Cmp::AtLeast | Cmp::AtMost) {
            2
        } else {
            1
        };
        let start = self.at;
        let text = self.bare();
        let bad = || {
            self.error(
                start,
                format!("{name} needs a number and a unit (h, d or w) here: e.g. {name}>7d, {name}<2w, {name}>=36h"),
            )
        };
        let split = text.len() - text.chars().last().map_or(0, char::len_utf8);
        let (number, unit) = text.split_at(split);
        let hours = match unit.to_ascii_lowercase().as_str() {
            "h" => 1.0,
            "d" => 24.0,
            "w" => 24.0 * 7.0,
            _ => return Err(bad()),
        };
        let number: f64 = match number.parse() {
            Ok(n) if n >= 0.0 && f64::is_finite(n) && !number.starts_with('+') => n,
            _ => return Err(bad()),
        };
        // A century is far past any ticket's age; the cap keeps the seconds in range.
        let seconds = (number * hours * 3600.0)
            .min(100.0 * 366.0 * 86_400.0)
            .round() as i64;
        Ok(Test::Time {
            since,
            cmp,
            seconds,
        })
    }
}

fn who(v: &Value) -> Who {
    let lower = v.text.to_lowercase();
    match lower.as_str() {
        "@me" if !v.quoted => Who::Me,
        "none" if !v.quoted => Who::Nobody,
        // `@alice` is how people write a login.
        _ => Who::Name(Needle::new(v.text.strip_prefix('@').unwrap_or(&v.text))),
    }
}

/// The priorities a value names: the one whose label it is, else every label it is part of.
fn priorities(value: &str) -> u8 {
    let n = Needle::new(value.trim());
    if let Some(p) = PRIORITIES.iter().find(|p| n.equals(p.label())) {
        return priority_bit(*p);
    }
    PRIORITIES
        .iter()
        .filter(|p| n.found_in(p.label()))
        .fold(0, |m, p| m | priority_bit(*p))
}

fn example(field: &str) -> &'static str {
    match field {
        "project" => "project:OPS",
        "assignee" => "assignee:alice, assignee:@me or assignee:none",
        "status" => "status:todo or status:\"In Review\"",
        "priority" => "priority:high",
        "label" => "label:backend",
        "source" => "source:jira",
        _ => "has:suggestion",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Term {
        let mut t = terms(text).expect(text);
        assert_eq!(t.len(), 1, "{text}: {t:?}");
        t.remove(0)
    }

    fn err(text: &str) -> FilterError {
        match terms(text) {
            Err(e) => e,
            Ok(t) => panic!("{text} parsed as {t:?}"),
        }
    }

    fn text(s: &str) -> Test {
        Test::Text(Needle::new(s))
    }

    #[test]
    fn empty_and_blank_text_have_no_terms() {
        assert!(terms("").expect("empty").is_empty());
        assert!(terms("  \t ").expect("blank").is_empty());
    }

    #[test]
    fn words_and_phrases_are_free_text() {
        let t = terms("login  \"two words\" crash").expect("parses");
        let tests: Vec<Test> = t.into_iter().map(|t| t.test).collect();
        assert_eq!(tests, vec![text("login"), text("two words"), text("crash")]);
    }

    #[test]
    fn words_that_only_look_like_fields_are_text() {
        assert_eq!(one("10:30").test, text("10:30"));
        assert_eq!(one(":colon").test, text(":colon"));
        assert_eq!(one("a>b").test, text("a>b"));
        assert_eq!(one("ages").test, text("ages"));
        assert_eq!(one("it's").test, text("it's"));
        assert_eq!(one("re-open").test, text("re-open"));
    }

    #[test]
    fn negation_applies_to_any_term() {
        for (input, test) in [
            ("-label:wontfix", Test::Label(vec![Needle::new("wontfix")])),
            ("-stalled", Test::Stalled),
            ("-\"flaky test\"", text("flaky test")),
            ("-word", text("word")),
            ("-has:suggestion", Test::HasSuggestion),
        ] {
            assert_eq!(
                one(input),
                Term {
                    negated: true,
                    test
                },
                "{input}"
            );
        }
        assert!(!one("stalled").negated);
    }

    #[test]
    fn field_names_and_keywords_ignore_case() {
        assert_eq!(
            one("STATUS:Done").test,
            Test::Status(vec![Needle::new("done")])
        );
        assert_eq!(one("Stalled").test, Test::Stalled);
        assert_eq!(one("HAS:Suggestion").test, Test::HasSuggestion);
        assert_eq!(
            one("Age>7D").test,
            Test::Time {
                since: Since::Created,
                cmp: Cmp::Over,
                seconds: 7 * 86_400
            }
        );
    }

    #[test]
    fn values_may_be_quoted_and_listed_with_commas() {
        assert_eq!(
            one("status:\"In Review\"").test,
            Test::Status(vec![Needle::new("in review")])
        );
        assert_eq!(
            one("status:todo,review").test,
            Test::Status(vec![Needle::new("todo"), Needle::new("review")])
        );
        assert_eq!(
            one("status:\"In Review\",todo,\"a,b\"").test,
            Test::Status(vec![
                Needle::new("In Review"),
                Needle::new("todo"),
                Needle::new("a,b")
            ])
        );
        assert_eq!(
            one("label:\"\u{e9}t\u{e9}\"").test,
            Test::Label(vec![Needle::new("ÉTÉ")])
        );
    }

    #[test]
    fn every_field_parses() {
        assert_eq!(
            one("project:OPS").test,
            Test::Project(vec![Needle::new("ops")])
        );
        assert_eq!(one("label:db").test, Test::Label(vec![Needle::new("db")]));
        assert_eq!(
            one("source:jira").test,
            Test::Source(vec![Needle::new("jira")])
        );
        assert_eq!(
            one("idle<=2w").test,
            Test::Time {
                since: Since::Updated,
                cmp: Cmp::AtMost,
                seconds: 14 * 86_400
            }
        );
    }

    #[test]
    fn assignee_keywords_unless_quoted() {
        assert_eq!(
            one("assignee:@me,none,@alice,\"none\",\"@me\"").test,
            Test::Assignee(vec![
                Who::Me,
                Who::Nobody,
                Who::Name(Needle::new("alice")),
                Who::Name(Needle::new("none")),
                Who::Name(Needle::new("me")),
            ])
        );
        assert_eq!(one("assignee:@ME").test, Test::Assignee(vec![Who::Me]));
        assert_eq!(one("assignee:None").test, Test::Assignee(vec![Who::Nobody]));
    }

    #[test]
    fn priorities_by_label_or_part_of_one() {
        let bits = |ps: &[Priority]| ps.iter().fold(0, |m, p| m | priority_bit(*p));
        assert_eq!(
            one("priority:high").test,
            Test::Priority(bits(&[Priority::High]))
        );
        assert_eq!(
            one("priority:HIGH,low").test,
            Test::Priority(bits(&[Priority::High, Priority::Low]))
        );
        assert_eq!(
            one("priority:hi").test,
            Test::Priority(bits(&[Priority::High, Priority::Highest]))
        );
        assert_eq!(
            one("priority:est").test,
            Test::Priority(bits(&[Priority::Lowest, Priority::Highest]))
        );
        assert_eq!(one("priority:urgent").test, Test::Priority(0));
    }

    #[test]
    fn ages_in_each_unit_and_comparison() {
        for (input, cmp, seconds) in [
            ("age>36h", Cmp::Over, 36 * 3600),
            ("age<2d", Cmp::Under, 2 * 86_400),
            ("age>=1w", Cmp::AtLeast, 7 * 86_400),
            ("age<=1.5d", Cmp::AtMost, 36 * 3600),
            ("age>0h", Cmp::Over, 0),
        ] {
            assert_eq!(
                one(input).test,
                Test::Time {
                    since: Since::Created,
                    cmp,
                    seconds
                },
                "{input}"
            );
        }
    }

    #[test]
    fn bad_syntax_names_the_column_and_the_fix() {
        for (input, column, says) in [
            (
                "foo:bar",
                1,
                "unknown field \"foo\"; fields are project, assignee, status, priority, label, source, age, idle, stalled, has",
            ),
            ("label:x  Foo:bar", 10, "quote it: \"Foo:bar\""),
            ("-foo:bar", 2, "unknown field \"foo\""),
            ("age>x", 5, "age needs a number and a unit (h, d or w)"),
            ("age>7", 5, "e.g. age>7d"),
            ("age>7y", 5, "(h, d or w)"),
            ("idle<-3d", 6, "idle needs a number"),
            ("age>", 5, "age needs a number"),
            ("age:7d", 4, "age compares with > or <"),
            ("age=7d", 4, "age compares with > or <"),
            ("\"flaky test", 1, "never closed"),
            ("ok status:\"In Review", 11, "never closed"),
            ("has:nothing", 5, "has: knows only suggestion"),
            ("has:suggestion,x", 16, "has: knows only suggestion"),
            ("status:", 8, "status: needs a value"),
            ("status: done", 8, "e.g. status:todo"),
            ("status:todo,", 13, "nothing after the comma"),
            ("status:todo,,done", 13, "empty status"),
            ("label:\"\"", 7, "empty label"),
            ("status:\"In Review\"x", 19, "a comma and another value"),
            ("stalled:yes", 1, "stalled takes no value"),
            ("a - b", 3, "\"-\" leaves out what follows it"),
            ("-", 1, "-label:wontfix"),
            ("été foo:bar", 5, "unknown field"),
        ] {
            let e = err(input);
            assert_eq!(e.column, column, "{input}: {e}");
            assert!(e.message.contains(says), "{input}: {e}");
        }
    }

    #[test]
    fn any_text_parses_or_fails_with_a_column_inside_it() {
        let pieces = [
            "a",
            "É",
            " ",
            "-",
            "\"",
            ":",
            ",",
            ">",
            "<",
            "=",
            "7",
            "d",
            "age",
            "idle",
            "status",
            "has",
            "stalled",
            "foo",
            "@me",
            "none",
            ".",
            "\u{1f600}",
        ];
        let mut rng = crate::rng::Rng::new(11);
        for _ in 0..20_000 {
            let text: String = (0..rng.below(8))
                .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
                .collect();
            if let Err(e) = terms(&text) {
                assert!(
                    (1..=text.chars().count() + 1).contains(&e.column),
                    "{text:?}: {e}"
                );
            }
        }
    }
}
