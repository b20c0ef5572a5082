//! The `leakgate` binary: parse arguments, run, map the result to an exit code.
//! It is the one place that prints fatal errors, so the library-wide ban on stderr stops here.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

use leakgate::ExitStatus;

fn main() -> ExitCode {
    // A panic message could quote data being scanned: print only where it happened.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("leakgate: internal error at {location}; this is a bug, please report it");
        std::process::exit(ExitStatus::Error as i32);
    }));

    let cli = leakgate::cli::parse();
    match leakgate::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            // Error messages quote paths and git's words about refs, which whoever wrote the
            // scanned files chose (or a token pasted as a ref): escape them, mask what looks
            // like a credential, and keep every line from acting as a CI command.
            let report = miette::Report::new(leakgate::escape::EscapedDiagnostic::new(error));
            for line in format!("{report:?}").split('\n') {
                let line = leakgate::mask::mask_name(line);
                eprintln!("{}", leakgate::escape::guard_log_line(&line));
            }
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}
