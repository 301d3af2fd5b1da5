//! Acceptance: on the real Apache Jira history in `../shared/data`, the calibrated method's
//! 85 % and 95 % statements come true within 0.04 of nominal for both questions, and its mean
//! CRPS is no worse than the classic bootstrap's.
//!
//! Marked ignored (the data lives outside the repository): `cargo test -- --ignored` runs it,
//! and fails when the data is absent.

mod common;

use lookout::analysis::backtest::{Plan, Report, run};
use lookout::analysis::forecast::Method;
use lookout::commands::backtest::read_series;

#[test]
#[ignore = "needs ../shared/data beside the clone: cargo test -- --ignored"]
fn calibrated_forecasts_come_true_as_often_as_they_say() {
    let csv = common::shared_csv();
    let (series, skipped) = read_series(&csv, 300).expect("the PROMISE file reads");
    assert_eq!(skipped.count, 0, "every row of the PROMISE file is usable");
    assert_eq!(
        series.len(),
        29,
        "projects with at least 300 resolved tickets"
    );
    // Fewer trials than the command's default keep the debug-build test quick; the pooled
    // coverage over thousands of origins barely moves.
    let plan = Plan {
        trials: 1000,
        ..Plan::default()
    };
    let (calibrated, classic): (Report, Report) = std::thread::scope(|s| {
        let a = s.spawn(|| run(&series, Method::Calibrated, &plan));
        let b = s.spawn(|| run(&series, Method::Classic, &plan));
        (
            a.join().expect("calibrated run"),
            b.join().expect("classic run"),
        )
    });
    assert!(calibrated.origins > 5000 && calibrated.when_origins > 4500);
    for (question, cov) in [
        ("How-Many", calibrated.coverage.how_many),
        ("When", calibrated.coverage.when),
    ] {
        for level in [0.85, 0.95] {
            let got = cov.at(level);
            assert!(
                (got - level).abs() <= 0.04,
                "{question} {level}: statements came true {got:.3} of the time"
            );
        }
    }
    // The classic bootstrap is over-confident on this data: the test would catch a regression
    // that made both methods the same.
    assert!(
        classic.coverage.when.p85 < 0.80,
        "classic When P85 {:.3}",
        classic.coverage.when.p85
    );
    assert!(calibrated.mean_relative_crps.how_many <= classic.mean_relative_crps.how_many);
    assert!(calibrated.mean_relative_crps.when <= classic.mean_relative_crps.when);
}

#[test]
#[ignore = "needs ../shared/data beside the clone: cargo test -- --ignored"]
fn corrected_forecasts_keep_every_statement_within_two_points() {
    let csv = common::shared_csv();
    let (series, _) = read_series(&csv, 300).expect("the PROMISE file reads");
    let plan = Plan {
        trials: 1000,
        ..Plan::default()
    };
    let (corrected, calibrated): (Report, Report) = std::thread::scope(|s| {
        let a = s.spawn(|| run(&series, Method::Corrected, &plan));
        let b = s.spawn(|| run(&series, Method::Calibrated, &plan));
        (
            a.join().expect("corrected run"),
            b.join().expect("calibrated run"),
        )
    });
    for (question, cov) in [
        ("How-Many", corrected.coverage.how_many),
        ("When", corrected.coverage.when),
    ] {
        for level in [0.50, 0.70, 0.85, 0.95] {
            let got = cov.at(level);
            assert!(
                (got - level).abs() <= 0.02,
                "{question} {level}: statements came true {got:.3} of the time"
            );
        }
    }
    assert!(
        corrected.mean_relative_crps.how_many <= calibrated.mean_relative_crps.how_many,
        "How-Many CRPS {:.4} vs {:.4}",
        corrected.mean_relative_crps.how_many,
        calibrated.mean_relative_crps.how_many
    );
    assert!(
        corrected.mean_relative_crps.when <= calibrated.mean_relative_crps.when,
        "When CRPS {:.4} vs {:.4}",
        corrected.mean_relative_crps.when,
        calibrated.mean_relative_crps.when
    );
    // The levels did move: a regression to fixed levels would pass the CRPS checks alone.
    assert!(
        corrected
            .per_project
            .iter()
            .any(|p| p.levels.how_many != lookout::analysis::forecast::LEVELS)
    );
}
