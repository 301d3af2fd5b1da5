//! Headless subcommands: each turns settings and a store (or a file) into printed output.

pub mod archive;
pub mod audit;
pub mod backtest;
pub mod backup;
pub mod decide;
pub mod doctor;
pub mod forecast;
pub mod report;
pub mod suggestions;
pub mod sync;
