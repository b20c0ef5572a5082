//! leakgate: keeps secrets out of git and out of AI-agent run journals.
//!
//! The data flows one way: [`cli`] → [`config`] → [`rules`] (a compiled [`rules::RuleSet`]) →
//! [`input`] (bytes plus [`input::Provenance`]: working tree, git, agent journals via
//! [`journal`]) → [`scan`] (matches) → [`finding`] → [`report`]. [`hygiene`] checks repository
//! hygiene and [`baseline`] accepted findings. What output may show is decided by [`mask`]
//! (what to hide), [`escape`] (untrusted text for terminals and CI logs) and [`fingerprint`]
//! (salted, slow for guessable secrets); everything written goes through [`atomic`].
//! [`pipeline`] is the engine: a source feeds the scanner, its post-pass runs, a baseline
//! filters, and one [`pipeline::Outcome`] says what was found and what was scanned.
//! [`agent`] is the guard for coding agents' hooks (`agent-hook`).
//! [`commands`] wires them together for each subcommand; `main.rs` only maps the result to an
//! exit code.

pub mod agent;
pub mod atomic;
pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod container;
#[cfg(test)]
mod cpu_time;
pub mod diagnostic;
pub mod escape;
pub mod finding;
pub mod fingerprint;
pub mod hook;
pub mod hygiene;
pub mod input;
pub mod journal;
pub mod mask;
pub mod pipeline;
pub mod plural;
pub mod report;
pub mod rules;
pub mod scan;
#[cfg(test)]
mod testing;

use cli::{Cli, Command, RulesCommand};

pub use pipeline::ExitStatus;

/// An error that stops a command.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(#[from] rules::RuleError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Git(#[from] input::git::GitError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] Box<config::ConfigError>),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Baseline(#[from] baseline::BaselineError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Redact(#[from] journal::redact::RedactError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Agents(#[from] journal::agents::AgentsError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    Hook(#[from] hook::HookError),

    #[error(transparent)]
    #[diagnostic(transparent)]
    AgentInstall(#[from] agent::install::InstallError),

    /// A file leakgate was asked to write (a report, a `.gitignore` fix) could not be written;
    /// nothing was changed in its place.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Write(#[from] atomic::WriteError),

    #[error("cannot write output")]
    #[diagnostic(code(leakgate::io))]
    Io(#[from] std::io::Error),
}

impl Error {
    /// A reader that went away (`leakgate scan | head`) is not an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Run one command, as the `leakgate` binary does. Meant to be called once a process: the
/// compiled rules a command builds are left for the operating system to take back at exit (see
/// [`commands::settings`]), so a program calling this in a loop would keep each call's.
pub fn run(cli: Cli) -> Result<ExitStatus, Error> {
    match cli.command {
        Command::Check(args) => commands::check::run(&args),
        Command::Scan(args) => commands::scan::run(&args),
        Command::Baseline(args) => commands::scan::write_baseline(&args),
        Command::Journal(args) => commands::journal::run(&args),
        Command::Gitignore(args) => commands::gitignore::run(&args),
        Command::AgentHook(args) => commands::agent_hook::run(args.agent.into(), &args.options()),
        Command::InstallHook {
            agent: Some(agent),
            scope,
            uninstall,
            format,
            ..
        } => commands::install_hook::run_agent(
            &cli::agent_install(agent, scope, uninstall),
            &cli::stdout_report(format),
        ),
        Command::InstallHook {
            force,
            check,
            pre_push,
            fix_gitignore,
            format,
            ..
        } => commands::install_hook::run(
            &commands::install_hook::InstallOptions {
                hook: hook::HookOptions {
                    force,
                    kind: if pre_push {
                        hook::HookKind::PrePush
                    } else {
                        hook::HookKind::PreCommit
                    },
                    runs: if check {
                        hook::HookRuns::Check
                    } else {
                        hook::HookRuns::Scan
                    },
                },
                gitignore: if fix_gitignore {
                    commands::install_hook::GitignoreFix::Fix
                } else {
                    commands::install_hook::GitignoreFix::Offer
                },
            },
            &cli::stdout_report(format),
        ),
        Command::Rules {
            command: RulesCommand::List { format },
        } => commands::rules::list(&cli::stdout_report(format)),
        Command::Rules {
            command: RulesCommand::Check,
        } => commands::rules::check(),
        Command::Init { force, format } => commands::init::run(
            &commands::init::InitOptions { force },
            &cli::stdout_report(format),
        ),
        Command::Completions { shell } => {
            let mut out = std::io::stdout().lock();
            std::io::Write::write_all(&mut out, &cli::completions(shell))?;
            std::io::Write::flush(&mut out)?;
            Ok(ExitStatus::Clean)
        }
        Command::Man => {
            let mut out = std::io::stdout().lock();
            cli::man(&mut out)?;
            std::io::Write::flush(&mut out)?;
            Ok(ExitStatus::Clean)
        }
    }
}
