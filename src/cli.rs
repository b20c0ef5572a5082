//! Command-line arguments. Only this module knows clap; it turns flags into plain records that
//! the commands consume.
// Doc comments here are `--help` text, shown verbatim: `[scan]` and `<rule>` are meant literally.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::pipeline::check::{Asked, PlanOptions};
use crate::pipeline::sources::Stdin;
use crate::pipeline::{BaselineFilter, ConfigRequest, ExitPolicy, SourceRequest};
use crate::report::output::{Color, Destination, OutputSpec};
use crate::report::{Delivery, Format};
use crate::rules::Confidence;

#[derive(Debug, Parser)]
#[command(
    name = "leakgate",
    version,
    about = "Keeps secrets out of git and out of AI-agent run journals."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The one command to run: at pre-commit the staged change plus gitignore checks, in CI the
    /// pull request's range plus hygiene, with --all a full audit.
    Check(CheckArgs),
    /// Scan files and directories for secrets (default: the current directory).
    Scan(ScanArgs),
    /// Audit AI-agent run data (.a5c runs, JSON/JSONL transcripts): secrets with run, event
    /// and JSON pointer; --verify checks the journals' integrity.
    Journal(JournalArgs),
    /// Check that files holding secrets (.env, .env.*, .a5c/, *.pem, *.key, credentials.json,
    /// *.secrets) are ignored by git and not already tracked; --fix adds missing lines.
    Gitignore(GitignoreArgs),
    /// Write a baseline of the current findings (rule, fingerprint, path; no secrets, no line
    /// numbers), so that `--baseline FILE` reports only new ones.
    Baseline(BaselineArgs),
    /// Answer one hook event of a coding agent (JSON on standard input) in the agent's own
    /// protocol: block secrets in what it writes, runs or sends, ask before it reads a file
    /// holding secrets.
    AgentHook(AgentHookArgs),
    /// Install a git pre-commit hook that runs `leakgate scan --staged`, or with --check
    /// `leakgate check --staged` (honours core.hooksPath); with --pre-push a pre-push hook;
    /// with --agent, the agent guard in a coding agent's settings.
    InstallHook {
        /// Replace an existing hook; the old one is kept as pre-commit.leakgate-backup.
        #[arg(long)]
        force: bool,
        /// Install a hook that runs `leakgate check --staged`: the staged secrets plus
        /// gitignore coverage and secret files the commit starts tracking.
        #[arg(long)]
        check: bool,
        /// Install a pre-push hook: it scans every commit being pushed, each on its own, so one
        /// made with `git commit --no-verify` is still caught before it leaves the machine.
        #[arg(long, conflicts_with = "check")]
        pre_push: bool,
        /// Add the lines .gitignore misses for files that hold secrets (as `leakgate gitignore
        /// --fix`). Without it, install-hook asks when run in a terminal, never in CI.
        #[arg(long)]
        fix_gitignore: bool,
        /// How to say what was done (default: human).
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// Install `leakgate agent-hook` into this coding agent's settings instead
        /// (.claude/settings.json, .cursor/hooks.json, .gemini/settings.json).
        #[arg(long, value_enum, conflicts_with_all = ["force", "check"])]
        agent: Option<AgentArg>,
        /// With --agent: the project's settings (default) or the user's (~/.claude, …).
        #[arg(long, value_enum, default_value_t = ScopeArg::Project, requires = "agent")]
        scope: ScopeArg,
        /// With --agent: remove the entries leakgate added, and nothing else.
        #[arg(long, requires = "agent")]
        uninstall: bool,
    },
    /// List the rules, or check every rule against its examples.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Set this repository up in one step: a commented .leakgate.toml, the `leakgate check`
    /// pre-commit hook, and the .gitignore lines for files that hold secrets. Running it again
    /// changes nothing; an existing configuration is never overwritten.
    Init {
        /// Replace another pre-commit hook; the old one is kept as pre-commit.leakgate-backup.
        #[arg(long)]
        force: bool,
        /// How to say what was done (default: human).
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
    /// Print a shell completion script, generated from these flags
    /// (`leakgate completions bash > ~/.local/share/bash-completion/completions/leakgate`).
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from these flags (`leakgate man | man -l -`).
    Man,
}

/// `shell`'s completion script for every command and flag. Built in memory: the generator
/// panics on a write error, and a reader that goes away (`| head`) must not look like a bug.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "leakgate", &mut script);
    script
}

/// Write the manual page to `out`: the top-level page, then a section per subcommand, so one
/// page documents every flag.
pub fn man(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use clap::CommandFactory;
    let mut command = Cli::command();
    command.build();
    clap_mangen::Man::new(command.clone()).render(out)?;
    for sub in command.get_subcommands() {
        if sub.is_hide_set() {
            continue;
        }
        // Each subcommand's options, as a section of the one page.
        let name = format!("leakgate-{}", sub.get_name());
        let page = clap_mangen::Man::new(
            sub.clone()
                .display_name(name.clone())
                .bin_name(format!("leakgate {}", sub.get_name())),
        );
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        page.render_description_section(out)?;
        page.render_synopsis_section(out)?;
        page.render_options_section(out)?;
        if sub.has_subcommands() {
            page.render_subcommands_section(out)?;
        }
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: id, severity, kind, keywords and description.
    List {
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
    /// Run every rule's examples (must match) and negative examples (must not); exit 1 on any
    /// failure.
    Check,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when writing to a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl From<ColorChoice> for Color {
    fn from(choice: ColorChoice) -> Self {
        match choice {
            ColorChoice::Auto => Color::Auto,
            ColorChoice::Always => Color::Always,
            ColorChoice::Never => Color::Never,
        }
    }
}

/// The output formats `--format` accepts (clap's view of [`Format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Readable diagnostics with a summary.
    Human,
    /// JSON Lines: one object per message (schema in the README).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (upload-sarif).
    Sarif,
    /// GitHub workflow commands (annotations on the lines), plus a readable summary on stderr.
    /// Chosen by default when GITHUB_ACTIONS=true.
    Github,
    /// JUnit XML, for CI systems that show test reports.
    Junit,
    /// GitLab's secret-detection report, for `artifacts: reports: secret_detection`.
    Gitlab,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Junit => Format::Junit,
            FormatArg::Gitlab => Format::Gitlab,
        }
    }
}

/// The levels `--min-confidence` accepts (clap's view of [`Confidence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfidenceArg {
    /// Everything found: weak literal passwords, test fixtures' values.
    Low,
    /// Generic secret-named keys with random-looking values, and up.
    Medium,
    /// Provider formats and decoded credentials only.
    High,
}

impl From<ConfidenceArg> for Confidence {
    fn from(level: ConfidenceArg) -> Self {
        match level {
            ConfidenceArg::Low => Confidence::Low,
            ConfidenceArg::Medium => Confidence::Medium,
            ConfidenceArg::High => Confidence::High,
        }
    }
}

/// An `--output` value: `FILE` (the `--format` report), or `FORMAT=FILE` (one more report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputArg {
    pub format: Option<Format>,
    pub path: PathBuf,
}

impl From<std::ffi::OsString> for OutputArg {
    fn from(text: std::ffi::OsString) -> Self {
        // Only a known format name before the first `=` makes it FORMAT=FILE; any other
        // value (a path that is not UTF-8 included) is a file name.
        let split = text.to_str().and_then(|text| {
            let (name, path) = text.split_once('=')?;
            Some(OutputArg {
                format: Some(Format::named(name)?),
                path: PathBuf::from(path),
            })
        });
        split.unwrap_or(OutputArg {
            format: None,
            path: PathBuf::from(text),
        })
    }
}

/// What `scan` and `baseline` read: paths, standard input, or a git source.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Files or directories to scan; `-` reads standard input (up to --max-file-size).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// With `-`: the name standard input is scanned and reported as. It selects JSON-aware
    /// scanning (`.json`, `.jsonl`, `.ipynb`), rules that apply only to some paths, and path
    /// allowlists, as a file of that name would.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["staged", "range", "history"])]
    pub stdin_filename: Option<String>,

    /// Scan what the next commit will contain: the staged (index) version of every added,
    /// modified, renamed or copied file, reporting only lines the change adds. For pre-commit.
    #[arg(long, conflicts_with_all = ["no_ignore", "range"])]
    pub staged: bool,

    /// Scan the lines a pull request or push adds: from the merge base of BASE and HEAD to HEAD
    /// (`BASE..HEAD`; `BASE` alone means `BASE..HEAD`). Each finding names the commit that
    /// added it.
    #[arg(long, value_name = "BASE..HEAD", conflicts_with = "no_ignore", value_parser = parse_range)]
    pub range: Option<String>,

    /// Scan every blob reachable from any ref, each distinct blob once, and report the earliest
    /// commit and path that contain each secret.
    #[arg(long, conflicts_with_all = ["staged", "range", "no_ignore"])]
    pub history: bool,

    /// With --history: only what is not reachable from REF.
    #[arg(long, value_name = "REF", requires = "history")]
    pub since: Option<String>,

    /// With --range: scan every commit on its own, so a secret added and removed inside the
    /// range is still reported.
    #[arg(long, requires = "range")]
    pub per_commit: bool,

    /// Also scan files that .gitignore, .ignore and git's excludes leave out
    /// (.leakgateignore still applies).
    #[arg(long)]
    pub no_ignore: bool,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

impl ScanArgs {
    /// What the flags ask to scan.
    pub fn source_request(&self) -> SourceRequest {
        self.source.source_request()
    }
}

/// `leakgate baseline`: what to scan, how, and where the baseline goes. No report flags: it
/// writes a baseline, not a report.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Where to write the baseline.
    #[arg(
        long,
        short = 'o',
        visible_alias = "output",
        value_name = "FILE",
        default_value = crate::baseline::DEFAULT_FILE
    )]
    pub file: PathBuf,

    /// How to say what was written (default: human).
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub tuning: TuningArgs,
}

impl BaselineArgs {
    /// The plain records the library takes: the configuration and tuning flags, and a notice
    /// on standard output in `format`.
    pub fn common(&self) -> Common {
        let mut common = common_of(
            &OutputArgs::default(),
            None,
            &self.config,
            Some(&self.tuning),
        );
        common.delivery.output = stdout_report(self.format);
        common
    }
}

impl SourceArgs {
    /// What the flags ask to scan.
    pub fn source_request(&self) -> SourceRequest {
        if self.staged {
            return SourceRequest::Staged;
        }
        if let Some(spec) = &self.range {
            return SourceRequest::Range {
                spec: spec.clone(),
                per_commit: self.per_commit,
            };
        }
        if self.history {
            return SourceRequest::History {
                since: self.since.clone(),
            };
        }
        let (stdin, paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
            self.paths.iter().partition(|p| p.as_os_str() == "-");
        SourceRequest::Tree {
            paths: paths.into_iter().cloned().collect(),
            stdin: (!stdin.is_empty()).then(|| Stdin {
                name: self.stdin_filename.clone(),
            }),
            no_ignore: self.no_ignore,
        }
    }
}

/// Flags every scanning command shares: what to report, where, and how; which findings; which
/// configuration; how to scan. Each group is its own struct so that a command that has no use
/// for one (`gitignore` reports no findings, `baseline` writes no report) does not list it in
/// its `--help`.
#[derive(Debug, Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub findings: FindingArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(flatten)]
    pub tuning: TuningArgs,
}

/// What to report, where, and when it fails the run.
#[derive(Debug, Default, Args)]
pub struct OutputArgs {
    /// Output format (default: human; github inside GitHub Actions).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write the report to FILE (atomically) instead of standard output. FORMAT=FILE writes
    /// one more report of the same run, in FORMAT, to FILE; repeat it for several
    /// (`--format github --output sarif=leakgate.sarif`).
    #[arg(
        long,
        short = 'o',
        value_name = "[FORMAT=]FILE",
        value_parser = clap::builder::TypedValueParser::map(clap::builder::OsStringValueParser::new(), OutputArg::from)
    )]
    pub output: Vec<OutputArg>,
    /// Also write a SARIF report of the same run to FILE (the same as --output sarif=FILE).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Exit 0 even when secrets are found (report-only runs). Errors still exit 2.
    #[arg(long)]
    pub exit_zero: bool,
    /// Warnings fail the run too: policy findings below high severity (agent settings) and
    /// hygiene warnings (a pattern ignored only by your global excludes file).
    #[arg(long)]
    pub strict: bool,
    /// When to use colors.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Show the secrets themselves in the output (and names that look like one). Never use
    /// this in CI logs.
    #[arg(long)]
    pub show_secrets: bool,
}

/// Which findings are reported, and how.
#[derive(Debug, Default, Args)]
pub struct FindingArgs {
    /// Report only findings that are not in this baseline (written by `leakgate baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// With --baseline: list baseline entries that no longer match any finding.
    #[arg(long, requires = "baseline")]
    pub report_unused: bool,

    /// Report (and fail on) only findings at least this sure; the rest are counted in the
    /// summary. Default: low for scan and journal, medium for check (or [confidence] min in
    /// .leakgate.toml).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,
    /// List every skipped file, not only the counts.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Which configuration applies.
#[derive(Debug, Default, Args)]
pub struct ConfigArgs {
    /// Layer this configuration file over the nearest .leakgate.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files: built-in defaults and flags only.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,

    /// Print the effective configuration and exit.
    #[arg(long)]
    pub dump_config: bool,
}

/// How files are read.
#[derive(Debug, Default, Args)]
pub struct TuningArgs {
    /// Skip (and count) files larger than this: bytes, or with a unit (10MiB, 512KB).
    /// Default 10MiB (or [scan] max_file_size in .leakgate.toml).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

/// `leakgate gitignore`'s flags besides `--fix`: a report and a configuration, no findings.
#[derive(Debug, Args)]
pub struct HygieneArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

impl HygieneArgs {
    /// The plain records the library takes.
    pub fn common(&self) -> Common {
        common_of(&self.output, None, &self.config, None)
    }
}

/// The flags every scanning command shares, as plain records for the library.
#[derive(Debug, Clone)]
pub struct Common {
    pub config: ConfigRequest,
    pub delivery: Delivery,
    pub show_secrets: bool,
    /// Worker threads; 0 is one per core.
    pub threads: usize,
    /// `--dump-config`: print the effective configuration instead of scanning.
    pub dump_config: bool,
}

impl CommonArgs {
    /// The plain records the library takes.
    pub fn common(&self) -> Common {
        common_of(
            &self.output,
            Some(&self.findings),
            &self.config,
            Some(&self.tuning),
        )
    }
}

/// The plain records of a command's flag groups; a group it does not have takes its defaults.
fn common_of(
    output: &OutputArgs,
    findings: Option<&FindingArgs>,
    config: &ConfigArgs,
    tuning: Option<&TuningArgs>,
) -> Common {
    let none = FindingArgs::default();
    let findings = findings.unwrap_or(&none);
    let no_tuning = TuningArgs::default();
    let tuning = tuning.unwrap_or(&no_tuning);
    Common {
        config: ConfigRequest {
            explicit: config.config.clone(),
            isolated: config.isolated,
            max_file_size: tuning.max_file_size,
            min_confidence: findings.min_confidence.map(Confidence::from),
        },
        delivery: Delivery {
            output: output.output_spec(findings),
            baseline: findings.baseline.as_ref().map(|file| BaselineFilter {
                file: file.clone(),
                report_unused: findings.report_unused,
            }),
            // The command sets `min_confidence` once the configuration is read.
            exit: ExitPolicy {
                strict: output.strict,
                exit_zero: output.exit_zero,
                ..ExitPolicy::default()
            },
        },
        show_secrets: output.show_secrets,
        threads: tuning.threads.unwrap_or(0),
        dump_config: config.dump_config,
    }
}

impl OutputArgs {
    /// Every report the flags ask for: the `--format` report (to standard output, or the
    /// `--output` without a format), then each `--output FORMAT=FILE` and `--sarif`.
    pub fn output_spec(&self, findings: &FindingArgs) -> OutputSpec {
        let main = Destination {
            format: Format::resolve(self.format.map(Format::from)),
            path: (self.output.iter())
                .find(|o| o.format.is_none())
                .map(|o| o.path.clone()),
        };
        let extra = (self.output.iter())
            .filter_map(|o| {
                o.format.map(|format| Destination {
                    format,
                    path: Some(o.path.clone()),
                })
            })
            .chain(self.sarif.iter().map(|path| Destination {
                format: Format::Sarif,
                path: Some(path.clone()),
            }));
        OutputSpec {
            reports: std::iter::once(main).chain(extra).collect(),
            color: self.color.into(),
            verbose: findings.verbose,
            show_secrets: self.show_secrets,
        }
    }
}

#[derive(Debug, Args)]
pub struct JournalArgs {
    /// Run directories, .a5c roots, or JSON/JSONL files. Default: the repository's .a5c and
    /// the user's (~/.a5c or $BABYSITTER_GLOBAL_STATE_DIR, plus $BABYSITTER_RUNS_DIR).
    pub paths: Vec<PathBuf>,

    /// Audit the transcripts coding agents keep in the user's home instead: Claude Code
    /// (~/.claude/projects, ~/.claude/history.jsonl), Codex (~/.codex/sessions,
    /// archived_sessions, history.jsonl) and Gemini CLI (~/.gemini/tmp). Each finding names
    /// the agent, the session and the message.
    #[arg(long, conflicts_with_all = ["paths", "verify"])]
    pub agents: bool,

    /// With --agents: the home to look in (default: $HOME, or $CLAUDE_CONFIG_DIR and
    /// $CODEX_HOME for those agents).
    #[arg(long, value_name = "DIR", requires = "agents")]
    pub home: Option<PathBuf>,

    /// Also check each run's journal: event checksums, sequence, ordering, truncation, hashes
    /// and references.
    #[arg(long)]
    pub verify: bool,

    /// Write a copy of the scanned run data into DIR (which must not exist or be empty) with
    /// every secret replaced by [REDACTED:<rule>:<fingerprint>], event checksums recomputed, and
    /// a list of replacements in leakgate-redactions.json. The originals are never modified.
    #[arg(long, value_name = "DIR")]
    pub redact_to: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A full audit: the working tree, agent run data, and repository hygiene.
    #[arg(long, conflicts_with_all = ["range", "staged", "history"])]
    pub all: bool,

    /// Check the staged change (pre-commit) even where CI is detected: for hooks.
    #[arg(long, conflicts_with_all = ["range", "history", "no_ignore"])]
    pub staged: bool,

    /// Check this range (BASE..HEAD) instead of the staged change; in CI the pull request's
    /// range is found from GITHUB_BASE_REF, a push's from the event payload.
    #[arg(long, value_name = "BASE..HEAD", value_parser = parse_range, conflicts_with = "no_ignore")]
    pub range: Option<String>,

    /// Check every blob reachable from any ref (the earliest commit of each secret), and
    /// repository hygiene.
    #[arg(long, conflicts_with_all = ["range", "no_ignore"])]
    pub history: bool,

    /// With --history: only what is not reachable from REF.
    #[arg(long, value_name = "REF", requires = "history")]
    pub since: Option<String>,

    /// With --range: scan every commit on its own, so a secret added and removed inside the
    /// range is still reported.
    #[arg(long, requires = "range")]
    pub per_commit: bool,

    /// With --all: also scan files that .gitignore, .ignore and git's excludes leave out
    /// (.leakgateignore still applies).
    #[arg(long, requires = "all")]
    pub no_ignore: bool,

    #[command(flatten)]
    pub common: CommonArgs,
}

impl CheckArgs {
    /// What the flags ask `check` for, and the options that refine it.
    pub fn plan_request(&self) -> (Asked, PlanOptions) {
        let asked = if self.all {
            Asked::All
        } else if let Some(range) = &self.range {
            Asked::Range(range.clone())
        } else if self.history {
            Asked::History {
                since: self.since.clone(),
            }
        } else if self.staged {
            Asked::Staged
        } else {
            Asked::Auto
        };
        let options = PlanOptions {
            per_commit: self.per_commit,
            no_ignore: self.no_ignore,
        };
        (asked, options)
    }
}

#[derive(Debug, Args)]
pub struct GitignoreArgs {
    /// Append the missing patterns to the root .gitignore, in one marked block.
    #[arg(long)]
    pub fix: bool,

    #[command(flatten)]
    pub common: HygieneArgs,
}

/// The agents `agent-hook` and `install-hook --agent` know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AgentArg {
    /// Claude Code (PreToolUse, PostToolUse, UserPromptSubmit).
    ClaudeCode,
    /// Cursor (beforeShellExecution, beforeMCPExecution, beforeReadFile, beforeSubmitPrompt,
    /// afterFileEdit).
    Cursor,
    /// Gemini CLI (BeforeTool, AfterTool, BeforeAgent).
    Gemini,
}

impl From<AgentArg> for crate::agent::Agent {
    fn from(agent: AgentArg) -> Self {
        match agent {
            AgentArg::ClaudeCode => crate::agent::Agent::ClaudeCode,
            AgentArg::Cursor => crate::agent::Agent::Cursor,
            AgentArg::Gemini => crate::agent::Agent::Gemini,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    Project,
    User,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReadArg {
    /// Ask the user (protocols that cannot ask refuse).
    Ask,
    /// Refuse the read.
    Deny,
}

#[derive(Debug, Args)]
pub struct AgentHookArgs {
    /// The agent whose hook protocol to speak.
    #[arg(value_enum)]
    pub agent: AgentArg,
    /// What to answer when the agent would read a file holding secrets into its context
    /// (default: ask, or [agent] read in .leakgate.toml).
    #[arg(long, value_enum)]
    pub read: Option<ReadArg>,
    /// Findings below this do not block (default: medium, or [confidence] min).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,
}

impl AgentHookArgs {
    pub fn options(&self) -> crate::agent::GuardOptions {
        crate::agent::GuardOptions {
            read: self.read.map(|read| match read {
                ReadArg::Ask => crate::config::ReadPolicy::Ask,
                ReadArg::Deny => crate::config::ReadPolicy::Deny,
            }),
            min_confidence: self.min_confidence.map(Confidence::from),
        }
    }
}

/// What `install-hook --agent` is asked to do. The project's settings name `leakgate` (found
/// on PATH on every machine that shares them); the user's name this binary.
pub fn agent_install(
    agent: AgentArg,
    scope: ScopeArg,
    uninstall: bool,
) -> crate::agent::install::InstallOptions {
    use crate::agent::install::{InstallOptions, Scope};
    let scope = match scope {
        ScopeArg::Project => Scope::Project,
        ScopeArg::User => Scope::User,
    };
    let program = match scope {
        Scope::User => std::env::current_exe()
            .ok()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "leakgate".to_owned()),
        Scope::Project => "leakgate".to_owned(),
    };
    InstallOptions {
        agent: agent.into(),
        scope,
        uninstall,
        project: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        home: std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from),
        // The XDG spec ignores a relative value.
        state_home: std::env::var_os("XDG_STATE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute()),
        program,
    }
}

/// A `--range` value. An empty one, or one with no base (`..HEAD`, `...HEAD`, `..`: what
/// `"$BASE..HEAD"` gives when `BASE` is unset), would silently scan nothing: git reads a missing
/// side as `HEAD`, so the range is `HEAD..HEAD`. A missing head (`main..`) means `HEAD`, as in git.
fn parse_range(text: &str) -> Result<String, String> {
    const EXAMPLES: &str = "(`main`, `main..HEAD`, `origin/main...HEAD`)";
    if text.trim().is_empty() {
        return Err(format!("the range is empty: name a base {EXAMPLES}"));
    }
    // Git ref names cannot contain `..`, so the first one separates base from head.
    if let Some((base, _)) = text.split_once("..")
        && base.trim().is_empty()
    {
        return Err(format!(
            "the range has no base, so it would scan nothing (git reads it as HEAD..HEAD): name \
             a base {EXAMPLES}; in a script, check that the variable holding it is set"
        ));
    }
    Ok(text.to_owned())
}

/// A report in `format` on standard output, for commands that only announce (rules list,
/// install-hook).
pub fn stdout_report(format: FormatArg) -> OutputSpec {
    OutputSpec {
        reports: vec![Destination {
            format: format.into(),
            path: None,
        }],
        color: Color::Never,
        ..OutputSpec::default()
    }
}

/// Parse the command line, with the checks clap cannot express, exiting with usage errors
/// (exit 2) as clap does.
pub fn parse() -> Cli {
    let cli = Cli::try_parse().unwrap_or_else(|error| exit_on(error));
    let output = match &cli.command {
        Command::Check(args) => Some(("check", &args.common.output)),
        Command::Scan(args) => Some(("scan", &args.common.output)),
        Command::Journal(args) => Some(("journal", &args.common.output)),
        Command::Gitignore(args) => Some(("gitignore", &args.common.output)),
        _ => None,
    };
    if let Some((name, output)) = output
        && output.output.iter().filter(|o| o.format.is_none()).count() > 1
    {
        usage_error(
            name,
            "--output FILE without a format is the --format report and can be given once; \
             name the format of the others (--output json=FILE)",
        );
    }
    let scan = match &cli.command {
        Command::Scan(args) => Some(("scan", &args.source)),
        Command::Baseline(args) => Some(("baseline", &args.source)),
        _ => None,
    };
    if let Some((name, args)) = scan {
        let stdin = args.paths.iter().filter(|p| p.as_os_str() == "-").count();
        let problem = if stdin > 1 {
            Some("`-` (standard input) can be named only once")
        } else if stdin == 0 && args.stdin_filename.is_some() {
            Some("--stdin-filename names standard input: add `-` to the paths to scan it")
        } else {
            None
        };
        if let Some(problem) = problem {
            usage_error(name, problem);
        }
    }
    cli
}

/// Exit with a usage error for subcommand `name`, as clap reports its own.
fn usage_error(name: &str, problem: &str) -> ! {
    use clap::CommandFactory;
    let mut command = Cli::command();
    command.build();
    let command = command.find_subcommand_mut(name).cloned();
    exit_on(
        command
            .unwrap_or_else(Cli::command)
            .error(clap::error::ErrorKind::ArgumentConflict, problem),
    );
}

/// Print a usage error and exit 2, with every credential-shaped run of what was typed masked:
/// a token pasted as a flag value (`--format <token>`, `--range main..<token>`) must not reach a
/// CI log through clap's "invalid value" message. Help and version print as they are.
fn exit_on(error: clap::Error) -> ! {
    use std::io::Write;
    if !error.use_stderr() {
        error.exit();
    }
    let text = error.render().to_string();
    let mut stderr = std::io::stderr().lock();
    for line in text.lines() {
        let _ = writeln!(stderr, "{}", crate::mask::mask_name(line));
    }
    std::process::exit(crate::ExitStatus::Error as i32);
}

fn parse_size(text: &str) -> Result<u64, String> {
    crate::pipeline::settings::parse_size(text)
}
