//! The HTML report on a hand-built portfolio: well-formed (parsed as XML), self-contained,
//! one SVG per chart with data, tracker text escaped, every forecast row present.

#[path = "common/report_fixture.rs"]
mod report_fixture;

use lookout::report::html::render;
use quick_xml::Reader;
use quick_xml::events::Event;
use report_fixture::{HOSTILE, SVGS, report};

/// Every element and attribute of the page, and its text with references resolved; panics
/// where the page is not well-formed XML.
struct Parsed {
    /// (element, attribute, value), for every attribute.
    attributes: Vec<(String, String, String)>,
    elements: Vec<String>,
    text: String,
}

fn parse(html: &str) -> Parsed {
    let mut reader = Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut parsed = Parsed {
        attributes: Vec::new(),
        elements: Vec::new(),
        text: String::new(),
    };
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.buffer_position()));
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.name().as_ref().to_string();
                for a in e.attributes() {
                    let a = a.expect("a well-formed attribute");
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("an attribute value with known references");
                    parsed.attributes.push((
                        name.clone(),
                        a.key.as_ref().to_string(),
                        value.to_string(),
                    ));
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
                parsed.elements.push(name);
            }
            Event::End(_) => depth -= 1,
            Event::Text(t) => parsed.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = r
                    .resolve_char_ref()
                    .expect("a valid character reference")
                    .map(String::from)
                    .unwrap_or_else(|| {
                        let name = r.xml10_content().to_string();
                        match name.as_str() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            other => panic!("&{other}; is not an XML entity"),
                        }
                        .to_string()
                    });
                parsed.text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    parsed
}

#[test]
fn the_page_is_well_formed_and_self_contained() {
    let html = render(&report()).expect("renders");
    let page = parse(&html);
    assert!(!html.contains("http"), "no web address anywhere");
    for (element, key, value) in &page.attributes {
        if matches!(key.as_str(), "src" | "href" | "xlink:href" | "action") {
            assert!(
                value.starts_with('#'),
                "<{element} {key}={value:?}> leaves the page"
            );
        }
    }
    for outside in ["script", "link", "img", "iframe", "object", "embed"] {
        assert!(!page.elements.iter().any(|e| e == outside), "a <{outside}>");
    }
    assert!(!html.contains("url("), "no CSS loads anything");
    assert!(!html.contains("@import") && !html.contains("@font-face"));
    assert!(html.contains("@media print"), "print rules");
    assert!(html.contains("break-before: page"), "a page per project");
}

#[test]
fn one_svg_per_chart_with_data_and_a_sentence_for_the_rest() {
    let html = render(&report()).expect("renders");
    let page = parse(&html);
    assert_eq!(html.matches("<svg").count(), SVGS);
    assert_eq!(page.elements.iter().filter(|e| *e == "svg").count(), SVGS);
    let sections: Vec<&str> = html.split("<section class=\"project\"").skip(1).collect();
    let svgs: Vec<usize> = sections.iter().map(|s| s.matches("<svg").count()).collect();
    assert_eq!(
        svgs,
        [3, 0, 2],
        "CRUX all, QUIET none, SLOW no distribution"
    );
    assert!(sections[1].contains("Nothing is open: no forecast."));
    assert!(sections[1].contains("No deliveries in the weeks covered"));
    assert!(sections[2].contains("No trial finished within 365 days"));
    assert!(
        sections[0].contains("85 %: 82 days"),
        "the 85 % line is labelled"
    );
}

#[test]
fn tracker_text_is_escaped_not_dropped() {
    let html = render(&report()).expect("renders");
    let page = parse(&html);
    assert!(!html.contains("<script"), "no raw script from a title");
    assert!(!html.contains("<i>"), "no raw markup from a status");
    assert!(page.text.contains(HOSTILE), "the title reads as written");
    assert!(page.text.contains("Quiet & done"));
    assert!(page.text.contains("Slow \"lane\""));
}

#[test]
fn every_projects_forecast_rows_and_target_chance_are_there() {
    let r = report();
    let html = render(&r).expect("renders");
    let sections: Vec<&str> = html.split("<section class=\"project\"").skip(1).collect();
    assert_eq!(sections.len(), r.projects.len());
    for (p, section) in r.projects.iter().zip(&sections) {
        let Some(f) = &p.forecast else {
            assert!(!section.contains("class=\"forecast\""));
            continue;
        };
        let table = section
            .split("<table class=\"forecast\">")
            .nth(1)
            .and_then(|t| t.split("</table>").next())
            .expect("a forecast table");
        assert_eq!(table.matches("<tr>").count(), 1 + f.rows.len(), "{}", p.key);
        for row in &f.rows {
            assert!(table.contains(&format!("{:.0} %", row.level * 100.0)));
            match row.date {
                Some(d) => assert!(table.contains(&d.to_string()), "{} {d}", p.key),
                None => assert!(table.contains("not within the horizon")),
            }
        }
    }
    assert!(sections[0].contains("Target 2026-12-31: 31 % chance"));
    // The portfolio table names the 85 % date of each project.
    let portfolio = html
        .split("<section id=\"portfolio\">")
        .nth(1)
        .expect("a portfolio section");
    assert!(portfolio.contains("2027-02-09"), "CRUX at 85 %");
    assert!(portfolio.contains("not within 365 days"), "SLOW at 85 %");
}

#[test]
fn the_title_gives_the_date_and_how_old_the_data_is() {
    let html = render(&report()).expect("renders");
    assert!(html.contains("<title>Portfolio report, 2026-11-18</title>"));
    assert!(html.contains("Data as of 2026-11-18 12:00 UTC (3 h old)."));
}
