//! The HTML report's charts, drawn with plotters into SVG text: throughput by week, the
//! forecast's distribution of trials, and the age of every item in progress.
//!
//! Each function answers `None` when there is nothing to draw, so the page says so in words
//! rather than showing empty axes. Text is laid out with plotters' own estimate of glyph
//! widths: no font file is read, so a fresh machine draws the same chart.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::model::{Aging, ForecastReport, Throughput};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 240;
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const BAR: RGBColor = RGBColor(0x3b, 0x6e, 0xa8);
const MARK: RGBColor = RGBColor(0xb2, 0x3a, 0x2e);
const FONT: &str = "sans-serif";

/// Weekly deliveries as bars, labelled with the day each week ends; `None` when no week
/// delivered anything.
pub fn throughput(t: &Throughput) -> anyhow::Result<Option<String>> {
    if t.weeks.iter().all(|w| w.delivered == 0) {
        return Ok(None);
    }
    let weeks = &t.weeks;
    let top = weeks.iter().map(|w| w.delivered).max().unwrap_or(1).max(1);
    let svg = draw(|root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(
                (0..weeks.len() as u32).into_segmented(),
                0..top + top / 8 + 1,
            )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(weeks.len().min(8))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => weeks
                    .get(*i as usize)
                    .map(|w| w.week_ending.format("%m-%d").to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc("items delivered")
            .x_desc("week ending")
            .label_style((FONT, 12).into_font().color(&INK))
            .axis_desc_style((FONT, 12).into_font().color(&INK))
            .draw()?;
        chart.draw_series(weeks.iter().enumerate().map(|(i, w)| {
            let i = i as u32;
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0),
                    (SegmentValue::Exact(i + 1), w.delivered),
                ],
                BAR.filled(),
            );
            bar.set_margin(0, 0, 3, 3);
            bar
        }))?;
        Ok(())
    })?;
    Ok(Some(svg))
}

/// Trials per bucket of days as a histogram, with a line where 85 % of trials had finished;
/// `None` when no trial finished within the horizon.
pub fn forecast(f: &ForecastReport) -> anyhow::Result<Option<String>> {
    let buckets: Vec<_> = f.histogram.iter().filter(|b| b.trials > 0).collect();
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return Ok(None);
    };
    let width = f.bucket_days.max(1);
    let from = first.from_days;
    let to = last.from_days + width;
    let p85 = f
        .rows
        .iter()
        .find(|r| (r.level - 0.85).abs() < 1e-9)
        .and_then(|r| r.days)
        .filter(|d| (from..=to).contains(d));
    let top = buckets.iter().map(|b| b.trials).max().unwrap_or(1).max(1);
    let svg = draw(|root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(from..to, 0..top + top / 8 + 1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("days from the start")
            .y_desc("trials")
            .label_style((FONT, 12).into_font().color(&INK))
            .axis_desc_style((FONT, 12).into_font().color(&INK))
            .draw()?;
        chart.draw_series(buckets.iter().map(|b| {
            let mut bar = Rectangle::new(
                [(b.from_days, 0), (b.from_days + width, b.trials)],
                BAR.filled(),
            );
            bar.set_margin(0, 0, 1, 1);
            bar
        }))?;
        if let Some(d) = p85 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(d, 0), (d, top)],
                MARK.stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                format!("85 %: {d} days"),
                (d, top),
                (FONT, 12).into_font().color(&MARK),
            )))?;
        }
        Ok(())
    })?;
    Ok(Some(svg))
}

/// Every item in progress as a dot: its status across, its age in days up; `None` when
/// nothing is in progress.
pub fn aging(a: &Aging) -> anyhow::Result<Option<String>> {
    if a.items.is_empty() {
        return Ok(None);
    }
    // Statuses in the order they first appear among the items (oldest first).
    let mut statuses: Vec<&str> = Vec::new();
    for item in &a.items {
        if !statuses.contains(&item.status.as_str()) {
            statuses.push(&item.status);
        }
    }
    let top = a.items.iter().map(|i| i.age_days).fold(1.0_f64, f64::max);
    let svg = draw(|root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d((0..statuses.len() as u32).into_segmented(), 0.0..top * 1.1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(statuses.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => statuses
                    .get(*i as usize)
                    .map(|s| (*s).to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc("age in days")
            .label_style((FONT, 12).into_font().color(&INK))
            .axis_desc_style((FONT, 12).into_font().color(&INK))
            .draw()?;
        chart.draw_series(a.items.iter().map(|item| {
            let column = statuses.iter().position(|s| *s == item.status).unwrap_or(0) as u32;
            Circle::new(
                (SegmentValue::CenterOf(column), item.age_days),
                4,
                BAR.mix(0.6).filled(),
            )
        }))?;
        Ok(())
    })?;
    Ok(Some(svg))
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Runs `paint` on a white canvas and returns the SVG, ready to sit inside an HTML page.
fn draw(paint: impl FnOnce(&Area<'_>) -> anyhow::Result<()>) -> anyhow::Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| anyhow::anyhow!("cannot draw a chart: {e}"))?;
        paint(&root).map_err(|e| e.context("cannot draw a chart"))?;
        root.present()
            .map_err(|e| anyhow::anyhow!("cannot draw a chart: {e}"))?;
    }
    // Inline SVG in HTML needs no namespace declaration, and its URI would be the page's only
    // web address: a reader checking the file is self-contained should find none.
    Ok(out.replace(r#" xmlns="http://www.w3.org/2000/svg""#, ""))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::report::model::{AgingItem, Bucket, ForecastRow, WeekDelivered};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("valid date")
    }

    #[test]
    fn throughput_draws_one_bar_per_week_and_nothing_for_an_idle_project() {
        let t = Throughput {
            weeks: (1..=4)
                .map(|i| WeekDelivered {
                    week_ending: day(i * 7),
                    delivered: i,
                })
                .collect(),
            trend: Some(1.0),
        };
        let svg = throughput(&t).expect("draws").expect("has data");
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(svg.contains("11-28"), "the last week is labelled");
        assert!(!svg.contains("http"));
        let idle = Throughput {
            weeks: vec![WeekDelivered {
                week_ending: day(7),
                delivered: 0,
            }],
            trend: None,
        };
        assert_eq!(throughput(&idle).expect("draws"), None);
    }

    #[test]
    fn the_forecast_marks_its_85_percent_day() {
        let f = ForecastReport {
            items: 10,
            method: "calibrated".into(),
            trials: 100,
            start: day(1),
            rows: vec![ForecastRow {
                level: 0.85,
                days: Some(12),
                date: Some(day(13)),
            }],
            target: None,
            chance_by_target: None,
            histogram: vec![
                Bucket {
                    from_days: 8,
                    trials: 40,
                },
                Bucket {
                    from_days: 10,
                    trials: 50,
                },
                Bucket {
                    from_days: 12,
                    trials: 10,
                },
            ],
            bucket_days: 2,
            horizon_days: 365,
            warnings: vec![],
        };
        let svg = forecast(&f).expect("draws").expect("has data");
        assert!(svg.contains("85 %: 12 days"));
    }

    #[test]
    fn aging_labels_statuses_escaped() {
        let a = Aging {
            wip: 2,
            oldest_wip_days: Some(9.0),
            items: vec![
                AgingItem {
                    key: "A-1".into(),
                    status: "<b>Review</b>".into(),
                    age_days: 9.0,
                },
                AgingItem {
                    key: "A-2".into(),
                    status: "Doing".into(),
                    age_days: 2.5,
                },
            ],
        };
        let svg = aging(&a).expect("draws").expect("has data");
        assert!(svg.contains("&lt;b&gt;Review"), "{svg}");
        assert!(!svg.contains("<b>"));
        assert_eq!(svg.matches("<circle").count(), 2);
        let none = Aging {
            wip: 0,
            oldest_wip_days: None,
            items: vec![],
        };
        assert_eq!(aging(&none).expect("draws"), None);
    }
}
