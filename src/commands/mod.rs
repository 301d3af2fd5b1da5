//! Headless subcommands: each turns settings and a store (or a file) into printed output.

pub mod backtest;
pub mod doctor;
pub mod forecast;
pub mod sync;
