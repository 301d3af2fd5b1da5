use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = lookout::cli::Cli::parse();
    match lookout::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lookout: {}", lookout::error_line::one_line(&e));
            ExitCode::from(2)
        }
    }
}
