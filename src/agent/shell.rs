//! What a shell command an agent is about to run does with files, as far as a guard needs to
//! know: which existing files it may print into the agent's context (`cat .env`, `grep KEY
//! config.yml`, `head -n 3 < secrets.txt`, `cd app && cat .en*`, `bash -c 'cat .env'`), which
//! files a recursive search reads (`grep -r`, `rg`), which git objects it shows (`git show
//! :path`), which files it may read in ways this reader cannot follow (named inside a `python
//! -c` program, matched by a variable it cannot resolve), and which files it may change (`rm
//! .leakgateignore`, `echo … >> .leakgate.toml`).
//!
//! This is a reader of the common shapes, not a shell. Words are split with quotes and escapes
//! as `sh` does; commands are split at `;`, `&&`, `||`, `|`, `&`, newlines, parentheses and
//! backticks. The general rule: every operand of a command (a word, the value of `--flag=value`
//! or `if=value`, `@file`, an input redirection) that names an existing file is read by it,
//! unless the program is known to print no file's content (`ls`, `stat`, `wc`, `rm`, `git add`
//! …). `cd` moves the directory later words are resolved from (every directory the command list
//! visited is tried, so a subshell's `cd` cannot hide a file); globs are expanded as `sh` does;
//! variables assigned earlier in the command and `$HOME` are expanded, any other variable stands
//! for any one path component (so `cat $F` may read any file in the directory, and is judged
//! so); `bash -c`, `sh -c` and `eval` are read as commands; interpreter one-liners (`python -c`,
//! `perl -e`, `node -e`, an `awk` program) are opaque, and the files named inside them may be
//! read. Every expansion is bounded ([`super::reads`]); a bound reached is reported, never
//! silently cut. Work is linear in the command's length, with nesting at most four deep.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::reads::{self, Search};

/// What [`analyze`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Existing regular files the command may print.
    pub prints: Vec<PathBuf>,
    /// File sets a recursive search in the command reads (`grep -r`, `rg`).
    pub searches: Vec<Search>,
    /// Git objects the command shows (`git show HEAD:config.yml`).
    pub objects: Vec<GitObject>,
    /// Files the command may read in a way this reader cannot follow.
    pub unsure: Vec<Unsure>,
    /// What could not be followed within the bounds, in words (a glob naming too many files).
    pub cut_short: Vec<String>,
    /// Files the command names other than to print them: it may change them.
    pub changes: Vec<PathBuf>,
}

/// A git object a command shows: `spec` (`HEAD:config.yml`, `:path`) in the repository that
/// holds `dir`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GitObject {
    pub dir: PathBuf,
    pub spec: String,
}

/// A file a command may read, and how, in words (`named inside a python -c program`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unsure {
    pub path: PathBuf,
    pub why: String,
}

/// How a printing program takes its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Printer {
    /// Every operand is a file (`cat`, `head`, `less`, `source`).
    Files,
    /// The first operand is a pattern or a program (`grep`, `awk`, `sed`, `jq`), unless given
    /// by a flag (`-e`, `-f`); the rest are files.
    PatternFirst,
}

/// Programs known to print the files they are given, or load them into the shell (`source`):
/// their operands are read and not changed.
fn printer(program: &str) -> Option<Printer> {
    Some(match program {
        "cat" | "tac" | "nl" | "head" | "tail" | "less" | "more" | "most" | "bat" | "batcat"
        | "view" | "source" | "." | "strings" | "xxd" | "od" | "hexdump" | "hd" | "base64"
        | "base32" | "basenc" | "sort" | "uniq" | "cut" | "column" | "fold" | "paste" | "diff"
        | "comm" | "join" | "rev" | "expand" | "unexpand" | "fmt" | "pr" | "zcat" | "bzcat"
        | "xzcat" | "zstdcat" | "zless" | "iconv" | "tr" => Printer::Files,
        "grep" | "egrep" | "fgrep" | "zgrep" | "rg" | "ag" | "awk" | "gawk" | "mawk" | "nawk"
        | "sed" | "jq" | "yq" => Printer::PatternFirst,
        _ => return None,
    })
}

/// Programs known to print nothing of the files they name (names, sizes, sums, or nothing),
/// and whether they may change them.
fn no_content(program: &str) -> Option<Changes> {
    Some(match program {
        "ls" | "dir" | "stat" | "wc" | "test" | "[" | "[[" | "file" | "du" | "df" | "realpath"
        | "readlink" | "basename" | "dirname" | "echo" | "printf" | "which" | "type" | "cmp"
        | "md5sum" | "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum" | "sha512sum"
        | "b2sum" | "cksum" | "sum" | "true" | "false" | ":" | "sleep" | "kill" | "pwd"
        | "export" | "unset" | "set" | "exit" | "return" | "shopt" | "alias" | "local"
        | "declare" | "readonly" | "whoami" | "id" | "date" | "uname" | "hostname" | "fd"
        | "tree" | "exa" | "eza" | "lsof" | "fuser" => Changes::No,
        "rm" | "rmdir" | "unlink" | "mv" | "cp" | "ln" | "touch" | "mkdir" | "chmod" | "chown"
        | "chgrp" | "truncate" | "shred" | "install" | "tee" | "rsync" | "setfacl" | "chattr" => {
            Changes::Yes
        }
        _ => return None,
    })
}

/// Whether a command may change the files it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Changes {
    No,
    Yes,
}

/// Git subcommands that print the content of the files or objects they name.
const GIT_PRINTS: &[&str] = &[
    "show",
    "diff",
    "log",
    "blame",
    "annotate",
    "cat-file",
    "grep",
    "whatchanged",
    "range-diff",
    "difftool",
];

/// Git subcommands that print nothing of a named file's content (they may change it).
const GIT_NO_CONTENT: &[&str] = &[
    "add",
    "rm",
    "mv",
    "status",
    "commit",
    "checkout",
    "restore",
    "reset",
    "stash",
    "ls-files",
    "check-ignore",
    "check-attr",
    "update-index",
    "clean",
    "init",
    "clone",
    "fetch",
    "pull",
    "push",
    "branch",
    "switch",
    "tag",
    "remote",
    "merge",
    "rebase",
    "cherry-pick",
    "revert",
    "worktree",
    "submodule",
    "lfs",
];

/// Flags after which a printer prints no file content: names (`grep -l`), counts, or nothing
/// (`-q`); `sed -i` edits in place.
fn prints_nothing(program: &str, flag: &str) -> bool {
    match program {
        "grep" | "egrep" | "fgrep" | "zgrep" | "rg" | "ag" => {
            matches!(
                flag,
                "--files-with-matches"
                    | "--files-without-match"
                    | "--count"
                    | "--quiet"
                    | "--silent"
                    | "--files"
            ) || (flag.starts_with('-')
                && !flag.starts_with("--")
                && flag[1..]
                    .chars()
                    .any(|c| matches!(c, 'l' | 'L' | 'c' | 'q')))
        }
        "sed" => flag == "--in-place" || flag.starts_with("-i") || flag.starts_with("--in-place="),
        _ => false,
    }
}

/// Flags whose value is the next word (so it is not taken for a file).
fn takes_value(program: &str, flag: &str) -> bool {
    match program {
        "head" | "tail" => matches!(flag, "-n" | "-c"),
        "grep" | "egrep" | "fgrep" | "zgrep" | "rg" | "ag" => {
            matches!(
                flag,
                "-m" | "-A" | "-B" | "-C" | "-g" | "-t" | "-T" | "--glob" | "--type"
            )
        }
        "cut" => matches!(flag, "-d" | "-f" | "-c" | "-b"),
        "sort" => matches!(flag, "-k" | "-t" | "-o"),
        "awk" | "gawk" | "mawk" | "nawk" => flag == "-F" || flag == "-v",
        _ => false,
    }
}

/// Flags that give the pattern or program themselves, so every operand is a file.
fn gives_pattern(program: &str, flag: &str) -> bool {
    match program {
        "grep" | "egrep" | "fgrep" | "zgrep" | "rg" | "ag" => {
            matches!(flag, "-e" | "-f" | "--regexp" | "--file")
                || flag.starts_with("--regexp=")
                || flag.starts_with("--file=")
        }
        "sed" => matches!(flag, "-e" | "-f" | "--expression" | "--file"),
        "awk" | "gawk" | "mawk" | "nawk" => flag == "-f",
        _ => false,
    }
}

/// Programs that run the rest of their words as a command.
fn is_wrapper(program: &str) -> bool {
    matches!(
        program,
        "sudo"
            | "env"
            | "command"
            | "builtin"
            | "exec"
            | "nohup"
            | "time"
            | "nice"
            | "ionice"
            | "xargs"
            | "doas"
            | "stdbuf"
            | "unbuffer"
            | "chronic"
    )
}

/// Shells whose `-c` argument is a command.
fn is_shell(program: &str) -> bool {
    matches!(
        program,
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "mksh" | "ash" | "fish" | "busybox"
    )
}

/// Is `flag` the one that gives `program` (an interpreter) its code on the command line?
fn code_flag(program: &str, flag: &str) -> bool {
    let base = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    match base {
        "python" | "pypy" => flag == "-c",
        // `-e`, `-E`, and bundles ending with one (`-ne`, `-lne`, `-pe`).
        "perl" | "ruby" => {
            flag.starts_with('-')
                && !flag.starts_with("--")
                && (flag.ends_with('e') || flag.ends_with('E'))
        }
        "node" | "nodejs" | "bun" => matches!(flag, "-e" | "--eval" | "-p" | "--print"),
        "deno" => flag == "eval",
        "php" => flag == "-r",
        "Rscript" | "lua" | "luajit" | "osascript" => flag == "-e",
        "pwsh" | "powershell" => {
            matches!(flag.to_ascii_lowercase().as_str(), "-c" | "-command")
        }
        _ => false,
    }
}

/// A word of a command, or a redirection with its target.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(Word),
    /// `<` (input) or `>`/`>>` (output), with the word after it.
    Redirect {
        input: bool,
        target: Word,
    },
    /// The end of one command (`;`, `|`, `&&`, a newline, …).
    Break,
}

/// A word as the shell would see it before expansion: its text with quotes removed, and
/// whether expansions apply to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Word {
    text: String,
    /// A glob character outside quotes.
    glob: bool,
    /// A `$` outside single quotes.
    var: bool,
}

/// Split `command` into words, redirections and command breaks, as `sh` quotes them.
fn tokens(command: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = Word::default();
    let mut in_word = false;
    let mut pending: Option<bool> = None;
    let mut chars = command.chars().peekable();
    let finish =
        |word: &mut Word, in_word: &mut bool, pending: &mut Option<bool>, out: &mut Vec<Token>| {
            if !*in_word {
                return;
            }
            let taken = std::mem::take(word);
            *in_word = false;
            match pending.take() {
                Some(input) => out.push(Token::Redirect {
                    input,
                    target: taken,
                }),
                None => out.push(Token::Word(taken)),
            }
        };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.text.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(next) = chars.next() {
                                word.text.push(next);
                            }
                        }
                        '$' => {
                            word.var = true;
                            word.text.push(c);
                        }
                        c => word.text.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.next()
                    && next != '\n'
                {
                    word.text.push(next);
                }
            }
            ' ' | '\t' => finish(&mut word, &mut in_word, &mut pending, &mut out),
            ';' | '|' | '&' | '\n' | '(' | ')' | '`' => {
                // `${…}` keeps its braces; `$(` opens a command (read as one below).
                finish(&mut word, &mut in_word, &mut pending, &mut out);
                // `2>&1`, `&>`: a redirection, not a break.
                if c == '&' && chars.peek() == Some(&'>') {
                    continue;
                }
                pending = None;
                out.push(Token::Break);
            }
            '<' | '>' => {
                // A file descriptor number before it (`2>`) is not a word.
                if in_word && word.text.chars().all(|d| d.is_ascii_digit()) {
                    word = Word::default();
                    in_word = false;
                }
                finish(&mut word, &mut in_word, &mut pending, &mut out);
                while chars.peek().is_some_and(|n| matches!(n, '>' | '<' | '&')) {
                    chars.next();
                }
                pending = Some(c == '<');
            }
            c => {
                in_word = true;
                if matches!(c, '*' | '?' | '[' | '{') {
                    word.glob = true;
                }
                if c == '$' {
                    word.var = true;
                }
                word.text.push(c);
            }
        }
    }
    finish(&mut word, &mut in_word, &mut pending, &mut out);
    out
}

/// The base name of a program word (`/usr/bin/cat` is `cat`).
fn program_name(word: &str) -> &str {
    if word == "." {
        return word;
    }
    word.rsplit('/').next().unwrap_or(word)
}

/// How deep `bash -c`, `eval` and `$(…)` nest before the rest is judged unknown.
const MAX_DEPTH: usize = 4;

/// At most this many directories are tried for a relative word (the event's and each `cd`'s).
const MAX_DIRS: usize = 8;

/// At most this many names are tried from one interpreter program.
const MAX_NAMES_IN_CODE: usize = 256;

/// What `command`, run in `cwd`, may print, read and change. See the module documentation.
pub fn analyze(command: &str, cwd: &Path) -> Analysis {
    let mut reader = Reader {
        dirs: vec![cwd.to_path_buf()],
        vars: HashMap::new(),
        analysis: Analysis::default(),
    };
    reader.commands(command, 0);
    let mut analysis = reader.analysis;
    for list in [&mut analysis.prints, &mut analysis.changes] {
        list.sort();
        list.dedup();
    }
    analysis.objects.sort();
    analysis.objects.dedup();
    analysis.unsure.sort();
    analysis.unsure.dedup_by(|a, b| a.path == b.path);
    analysis.cut_short.sort();
    analysis.cut_short.dedup();
    analysis.searches.dedup();
    analysis
}

/// The state of reading one command line: the directories `cd` visited and the variables it
/// assigned, in order.
struct Reader {
    /// The event's directory, then each directory a `cd` went to; the last is the current one.
    dirs: Vec<PathBuf>,
    vars: HashMap<String, String>,
    analysis: Analysis,
}

/// What a word names on disk.
#[derive(Debug, Default)]
struct Named {
    /// Existing paths (files and directories).
    paths: Vec<PathBuf>,
    /// The word held a variable this reader could not resolve: the paths are guesses.
    unresolved: bool,
}

impl Reader {
    fn commands(&mut self, command: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.analysis
                .cut_short
                .push("the command nests `bash -c`, `eval` or `$(…)` too deeply".to_owned());
            return;
        }
        let mut current: Vec<Token> = Vec::new();
        for token in tokens(command).into_iter().chain([Token::Break]) {
            if token == Token::Break {
                self.one_command(&current, depth);
                current.clear();
            } else {
                current.push(token);
            }
        }
    }

    fn one_command(&mut self, tokens: &[Token], depth: usize) {
        let words: Vec<&Word> = (tokens.iter())
            .filter_map(|t| match t {
                Token::Word(w) => Some(w),
                Token::Redirect { .. } | Token::Break => None,
            })
            .collect();
        // A command substitution inside a word (`"$(cat .env)"`) is a command of its own.
        for word in &words {
            if let Some(at) = word.text.find("$(") {
                self.commands(&word.text[at + 2..], depth + 1);
            }
        }
        // Skip variable assignments (remembered when they stand alone) and wrappers (`sudo`,
        // `env X=1`) to the program.
        let mut at = 0;
        while let Some(word) = words.get(at) {
            let assignment = word.text.split_once('=').filter(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            if let Some((name, value)) = assignment {
                let value = self.substitute(value).0;
                self.vars.insert(name.to_owned(), value);
                at += 1;
            } else if is_wrapper(program_name(&word.text)) || (at > 0 && word.text.starts_with('-'))
            {
                at += 1;
            } else {
                break;
            }
        }
        let program_word = words.get(at).copied();
        let program = program_word
            .map(|w| program_name(&w.text))
            .unwrap_or_default();
        let operands: &[&Word] = words.get(at + 1..).unwrap_or_default();
        let inputs: Vec<&Word> = (tokens.iter())
            .filter_map(|t| match t {
                Token::Redirect {
                    input: true,
                    target,
                } => Some(target),
                _ => None,
            })
            .collect();
        let outputs: Vec<&Word> = (tokens.iter())
            .filter_map(|t| match t {
                // `2>&1`, `>&-`: a file descriptor, not a file.
                Token::Redirect {
                    input: false,
                    target,
                } if !target.text.chars().all(|c| c.is_ascii_digit() || c == '-') => Some(target),
                _ => None,
            })
            .collect();
        for word in outputs {
            self.changes(word);
        }

        match program {
            "cd" | "pushd" => {
                self.cd(operands);
                return;
            }
            "eval" => {
                let text: Vec<&str> = operands.iter().map(|w| w.text.as_str()).collect();
                self.commands(&text.join(" "), depth + 1);
                return;
            }
            _ if is_shell(program) => {
                let code = |w: &&Word| {
                    w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('c')
                };
                if let Some(index) = operands.iter().position(code) {
                    if let Some(code) = operands.get(index + 1) {
                        self.commands(&code.text, depth + 1);
                    }
                    return;
                }
            }
            "git" => {
                self.git(operands, &inputs);
                return;
            }
            "find" => {
                self.find(operands, depth);
                return;
            }
            "dd" => {
                for word in operands {
                    if let Some(value) = word.text.strip_prefix("if=") {
                        self.reads(&with_text(word, value), "read by dd");
                    } else if let Some(value) = word.text.strip_prefix("of=") {
                        self.changes(&with_text(word, value));
                    }
                }
                return;
            }
            _ => {}
        }

        // Input redirections feed the program the file: a read unless it prints nothing (`tee`
        // prints what it is fed, and writes its operands).
        let silent_program = no_content(program);
        if silent_program.is_none() || program == "tee" {
            for word in &inputs {
                self.reads(word, "redirected into the command");
            }
        }
        if let Some(changes) = silent_program {
            if changes == Changes::Yes {
                for word in operands.iter().filter(|w| !w.text.starts_with('-')) {
                    self.changes(word);
                }
            }
            return;
        }
        if let Some(kind) = printer(program) {
            self.printer(program, kind, operands);
            return;
        }

        // Any other program: every operand naming an existing file may be read by it, and
        // may be changed; the code of a one-liner is opaque.
        let mut code_next = false;
        // A program word that names a file (`./run.sh`, a here-document's line `.env`) may
        // print it.
        if let Some(word) = program_word {
            self.reads(word, "run by the command");
        }
        for word in operands {
            if code_next {
                code_next = false;
                self.opaque(word, program);
                continue;
            }
            if code_flag(program, &word.text) {
                code_next = true;
                continue;
            }
            for candidate in operand_paths(word) {
                self.reads(&candidate, "named by the command");
                self.changes(&candidate);
            }
        }
    }

    /// A program that prints its operands: each file operand is read; a recursive search
    /// reads the directories it is given.
    fn printer(&mut self, program: &str, kind: Printer, operands: &[&Word]) {
        let silent = operands
            .iter()
            .take_while(|w| w.text != "--")
            .any(|w| prints_nothing(program, &w.text));
        let writes = match program {
            "sed" => silent,
            "sort" => operands
                .iter()
                .any(|w| w.text == "-o" || w.text.starts_with("--output")),
            _ => false,
        };
        if writes {
            for word in operands.iter().filter(|w| !w.text.starts_with('-')) {
                self.changes(word);
            }
        }
        if silent {
            return;
        }
        let searcher = matches!(program, "rg" | "ag");
        let recursive = searcher
            || matches!(program, "grep" | "egrep" | "fgrep" | "zgrep")
                && operands.iter().any(|w| {
                    matches!(w.text.as_str(), "--recursive" | "--dereference-recursive")
                        || (w.text.starts_with('-')
                            && !w.text.starts_with("--")
                            && w.text.contains(['r', 'R']))
                });
        let no_ignore = operands.iter().any(|w| {
            matches!(w.text.as_str(), "--no-ignore" | "-u" | "-uu" | "-uuu")
                || w.text.starts_with("--no-ignore")
        });
        let mut pattern_pending = kind == Printer::PatternFirst
            && !operands.iter().any(|w| gives_pattern(program, &w.text));
        let mut flags_done = false;
        let mut skip_next = false;
        let mut globs: Vec<String> = Vec::new();
        let mut file_type = None;
        let mut paths: Vec<&Word> = Vec::new();
        let mut previous_flag = "";
        for word in operands {
            if skip_next {
                skip_next = false;
                match previous_flag {
                    "-g" | "--glob" => globs.push(word.text.clone()),
                    "-t" | "--type" => file_type = Some(word.text.clone()),
                    "-e" | "--expression" if runs_program(program) => {
                        self.opaque(word, program);
                    }
                    _ => {}
                }
                continue;
            }
            if !flags_done && word.text == "--" {
                flags_done = true;
                continue;
            }
            if !flags_done && word.text.starts_with('-') && word.text.len() > 1 {
                skip_next = takes_value(program, &word.text) || gives_pattern(program, &word.text);
                previous_flag = &word.text;
                if let Some(value) = word.text.strip_prefix("--glob=") {
                    globs.push(value.to_owned());
                }
                continue;
            }
            if pattern_pending {
                pattern_pending = false;
                // An awk or sed program can read files itself (`getline < ".env"`, `r .env`).
                if runs_program(program) {
                    self.opaque(word, program);
                }
                continue;
            }
            paths.push(word);
        }
        if recursive {
            let dirs: Vec<PathBuf> = if paths.is_empty() {
                vec![self.cwd()]
            } else {
                (paths.iter())
                    .flat_map(|w| self.named(w).paths)
                    .filter(|p| p.is_dir())
                    .collect()
            };
            for root in dirs {
                self.analysis.searches.push(Search {
                    root,
                    globs: globs.clone(),
                    file_type: file_type.clone(),
                    respect_ignores: searcher && !no_ignore,
                });
            }
        }
        for word in paths {
            self.reads(word, "printed by the command");
        }
    }

    /// `git [-C dir] <subcommand> …`: what it shows of files and objects, and what it may
    /// change.
    fn git(&mut self, operands: &[&Word], inputs: &[&Word]) {
        let mut dir = self.cwd();
        let mut index = 0;
        while let Some(word) = operands.get(index) {
            match word.text.as_str() {
                "-C" => {
                    if let Some(target) = operands.get(index + 1) {
                        dir = dir.join(&target.text);
                    }
                    index += 2;
                }
                "-c" | "--git-dir" | "--work-tree" | "--namespace" => index += 2,
                flag if flag.starts_with('-') => index += 1,
                _ => break,
            }
        }
        let subcommand = operands.get(index).map(|w| w.text.as_str());
        let rest = operands.get(index + 1..).unwrap_or_default();
        let prints = subcommand.is_some_and(|s| GIT_PRINTS.contains(&s));
        let silent = subcommand.is_none_or(|s| GIT_NO_CONTENT.contains(&s));
        if !silent {
            for word in inputs {
                self.reads(word, "redirected into git");
            }
        }
        if subcommand == Some("grep")
            && !rest.iter().any(|w| {
                matches!(
                    w.text.as_str(),
                    "-l" | "-L" | "-c" | "-q" | "--name-only" | "--count" | "--quiet"
                )
            })
        {
            self.analysis.searches.push(Search::all(dir.clone()));
        }
        let previous = std::mem::replace(&mut self.dirs, vec![dir.clone()]);
        for word in rest.iter().filter(|w| !w.text.starts_with('-')) {
            if silent {
                self.changes(word);
                continue;
            }
            // `REV:path`, `:path`, `:0:path`: an object, whatever the working tree holds now.
            if word.text.contains(':') && !word.text.contains("://") {
                self.analysis.objects.push(GitObject {
                    dir: dir.clone(),
                    spec: word.text.clone(),
                });
                continue;
            }
            self.reads(word, "shown by git");
            if !prints {
                self.changes(word);
            }
        }
        self.dirs = previous;
    }

    /// `find DIR… [-name GLOB] -exec PROGRAM … {} …`: the program runs on every file found, so
    /// when it may print them (a printer, or any program not known to print nothing) the files
    /// below the start directories that the `-name`s select are read. Without `-exec`, `find`
    /// prints names only.
    fn find(&mut self, operands: &[&Word], depth: usize) {
        let starts: Vec<&Word> = operands
            .iter()
            .take_while(|w| !w.text.starts_with(['-', '(', '!']))
            .copied()
            .collect();
        let mut globs = Vec::new();
        let mut runs_printer = false;
        for (index, word) in operands.iter().enumerate() {
            let next = operands.get(index + 1);
            match word.text.as_str() {
                "-name" | "-iname" => globs.extend(next.map(|w| w.text.clone())),
                "-exec" | "-execdir" | "-ok" | "-okdir" => {
                    let program = next.map(|w| program_name(&w.text)).unwrap_or_default();
                    if is_shell(program) {
                        // `-exec sh -c 'cat "$1"' _ {} \;`: the script is read as a command.
                        if let Some(code) = operands.get(index + 3) {
                            self.commands(&code.text, depth + 1);
                        }
                        runs_printer = true;
                    } else if no_content(program).is_none() {
                        runs_printer = true;
                    }
                }
                _ => {}
            }
        }
        if !runs_printer {
            return;
        }
        let roots: Vec<PathBuf> = if starts.is_empty() {
            vec![self.cwd()]
        } else {
            (starts.iter())
                .flat_map(|w| self.named(w).paths)
                .filter(|p| p.is_dir())
                .collect()
        };
        for root in roots {
            self.analysis.searches.push(Search {
                root,
                globs: globs.clone(),
                file_type: None,
                // find walks everything: no ignore file, hidden files too.
                respect_ignores: false,
            });
        }
    }

    /// `cd DIR`: later relative words are resolved from DIR (and still from every directory
    /// before it, in case a subshell's `cd` ended).
    fn cd(&mut self, operands: &[&Word]) {
        let target = operands.iter().find(|w| !w.text.starts_with('-'));
        let dirs: Vec<PathBuf> = match target {
            None => std::env::var_os("HOME")
                .map(PathBuf::from)
                .into_iter()
                .collect(),
            Some(word) => self
                .named(word)
                .paths
                .into_iter()
                .filter(|p| p.is_dir())
                .collect(),
        };
        for dir in dirs {
            if self.dirs.len() >= MAX_DIRS {
                self.analysis.cut_short.push(format!(
                    "the command changes directory more than {MAX_DIRS} ways"
                ));
                break;
            }
            self.dirs.retain(|d| *d != dir);
            self.dirs.push(dir);
        }
    }

    /// The directory the command is in now.
    fn cwd(&self) -> PathBuf {
        self.dirs.last().cloned().unwrap_or_default()
    }

    /// `word` is read: each existing regular file it names is printed, or, when the word held
    /// a variable this reader cannot resolve, may be.
    fn reads(&mut self, word: &Word, how: &str) {
        let named = self.named(word);
        for path in named.paths {
            if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                continue;
            }
            if named.unresolved {
                self.analysis.unsure.push(Unsure {
                    path,
                    why: format!(
                        "it may be {how} through a word with a variable leakgate cannot resolve"
                    ),
                });
            } else {
                self.analysis.prints.push(path);
            }
        }
    }

    /// `word` may be changed: every path it names (existing or not; every match of a glob).
    /// A word with a variable this reader cannot resolve names no path here: which files such
    /// a command may change is the writer's policy, not a guess from every file there is.
    fn changes(&mut self, word: &Word) {
        let named = self.named(word);
        if named.unresolved {
            return;
        }
        if named.paths.is_empty() && !word.glob {
            let (text, _) = self.substitute(&word.text);
            if let Some(path) = self.home_or_relative(&text) {
                self.analysis.changes.push(path);
            }
            return;
        }
        self.analysis.changes.extend(named.paths);
    }

    /// The code of an interpreter one-liner (or an awk or sed program): every word in it that
    /// names an existing file may be read by it.
    fn opaque(&mut self, word: &Word, program: &str) {
        let names = word
            .text
            .split(|c: char| {
                !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '~' | '+' | '@' | '%'))
            })
            .filter(|name| !name.is_empty() && name.len() < 4096);
        for name in names.take(MAX_NAMES_IN_CODE) {
            let bare = Word {
                text: name.to_owned(),
                glob: false,
                var: false,
            };
            for path in self.named(&bare).paths {
                if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                    self.analysis.unsure.push(Unsure {
                        path,
                        why: format!("it is named inside the program given to {program}"),
                    });
                }
            }
        }
    }

    /// The existing paths `word` names, from every directory the command visited: variables
    /// substituted, globs expanded.
    fn named(&mut self, word: &Word) -> Named {
        let (text, unresolved) = if word.var || word.text.starts_with("~/") {
            self.substitute(&word.text)
        } else {
            (word.text.clone(), false)
        };
        let mut named = Named {
            paths: Vec::new(),
            unresolved,
        };
        if text.is_empty() {
            return named;
        }
        let dirs: Vec<PathBuf> = if text.starts_with('/') {
            vec![PathBuf::from("/")]
        } else {
            self.dirs.clone()
        };
        for dir in dirs {
            if word.glob || unresolved {
                let pattern = text.strip_prefix('/').unwrap_or(&text);
                let listing = if unresolved {
                    expand_any(&dir, pattern)
                } else {
                    reads::expand_glob(&dir, pattern)
                };
                if let Some(why) = listing.cut_short {
                    self.analysis.cut_short.push(why);
                }
                named.paths.extend(listing.files);
            } else {
                let path = super::lexically_normal(&dir.join(&text));
                if path.symlink_metadata().is_ok() {
                    named.paths.push(path);
                }
            }
        }
        named
    }

    /// `text` with `~`, `$HOME` and the variables the command assigned substituted; any
    /// other variable becomes `*` (and the second value says so).
    fn substitute(&self, text: &str) -> (String, bool) {
        let mut out = String::with_capacity(text.len());
        let mut unresolved = false;
        let mut rest = text;
        if let Some(tail) = rest.strip_prefix("~/")
            && let Some(home) = std::env::var_os("HOME")
        {
            out.push_str(&home.to_string_lossy());
            out.push('/');
            rest = tail;
        }
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let (name, used) = if let Some(inner) = after.strip_prefix('{') {
                match inner.find('}') {
                    Some(end) => (&inner[..end], end + 2),
                    None => (inner, after.len()),
                }
            } else {
                let len = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..len], len)
            };
            let value = match name {
                "" => None,
                "HOME" => std::env::var("HOME").ok(),
                name => self.vars.get(name).cloned(),
            };
            match value {
                Some(value) if !value.contains('$') => out.push_str(&value),
                _ if name.is_empty() && used == 0 => out.push('$'),
                _ => {
                    unresolved = true;
                    out.push('*');
                }
            }
            rest = &after[used.min(after.len())..];
        }
        out.push_str(rest);
        (out, unresolved)
    }

    /// `~/x` and `$HOME/x` from the home directory, anything else from the current directory.
    fn home_or_relative(&self, word: &str) -> Option<PathBuf> {
        let home = || std::env::var_os("HOME").map(PathBuf::from);
        let rest = ["~/", "$HOME/", "${HOME}/"]
            .iter()
            .find_map(|prefix| word.strip_prefix(prefix));
        let path = match rest {
            Some(rest) => home()?.join(rest),
            None if word.contains('$') => return None,
            None => PathBuf::from(word),
        };
        Some(if path.is_absolute() {
            path
        } else {
            super::lexically_normal(&self.cwd().join(path))
        })
    }
}

/// Is the first operand of `program` a program that can open files itself (awk, sed)?
fn runs_program(program: &str) -> bool {
    matches!(program, "awk" | "gawk" | "mawk" | "nawk" | "sed")
}

/// A word's text as another word (the value of `if=`), keeping its expansions.
fn with_text(word: &Word, text: &str) -> Word {
    Word {
        text: text.to_owned(),
        ..word.clone()
    }
}

/// The words an operand of an unknown program may name a file by: itself, the value of
/// `--flag=value` or `key=value`, and `@file` (curl's `-d @file`, `-F key=@file`).
fn operand_paths(word: &Word) -> Vec<Word> {
    let mut out = vec![word.clone()];
    if let Some((_, value)) = word.text.split_once('=') {
        out.push(with_text(word, value));
    }
    for candidate in out.clone() {
        if let Some(at) = candidate.text.find('@') {
            let value = &candidate.text[at + 1..];
            if at == 0 || candidate.text[..at].ends_with('=') {
                out.push(with_text(word, value));
            }
        }
    }
    out.retain(|w| !w.text.is_empty() && !w.text.starts_with('-'));
    out
}

/// [`reads::expand_glob`] for a word whose `*` came from a variable: a variable can hold any
/// name, a hidden one too.
fn expand_any(dir: &Path, pattern: &str) -> reads::Listing {
    let mut listing = reads::expand_glob(dir, pattern);
    // The dot rule hid names starting with `.`: add them where a `*` began a component.
    let dotted: String = pattern
        .split('/')
        .map(|part| {
            if part.starts_with('*') {
                format!(".{part}")
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    if dotted != pattern {
        let hidden = reads::expand_glob(dir, &dotted);
        listing.files.extend(hidden.files);
        listing.cut_short = listing.cut_short.or(hidden.cut_short);
    }
    listing
}

/// Does `command` only read or list files? Every command in it is a program that prints or
/// lists what it is given and changes nothing (`cat`, `grep`, `ls`, `cd`; not `tee`, `sed`,
/// `awk`, `sort`, which can write, nor an interpreter), and no output goes to a file. The
/// guard asks about a command that names one of its own files and does more than this.
pub fn only_reads(command: &str) -> bool {
    let mut current: Vec<Token> = Vec::new();
    for token in tokens(command).into_iter().chain([Token::Break]) {
        if token == Token::Break {
            if !reads_only(&current) {
                return false;
            }
            current.clear();
        } else {
            current.push(token);
        }
    }
    true
}

fn reads_only(tokens: &[Token]) -> bool {
    let writes_a_file = tokens.iter().any(|t| match t {
        Token::Redirect {
            input: false,
            target,
        } => {
            !(target.text == "/dev/null"
                || target.text.chars().all(|c| c.is_ascii_digit() || c == '-'))
        }
        _ => false,
    });
    if writes_a_file {
        return false;
    }
    let words = tokens.iter().filter_map(|t| match t {
        Token::Word(w) => Some(w.text.as_str()),
        _ => None,
    });
    // The program, past variable assignments and wrappers (`sudo cat`); `xargs rm` is `rm`.
    let program = words
        .map(program_name)
        .find(|w| {
            let assignment = w.split_once('=').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            !(assignment || is_wrapper(w) || w.starts_with('-'))
        })
        .unwrap_or_default();
    let lists = matches!(
        program,
        "" | "ls"
            | "cd"
            | "pushd"
            | "popd"
            | "pwd"
            | "wc"
            | "stat"
            | "file"
            | "echo"
            | "printf"
            | "true"
            | "test"
            | "["
            | "realpath"
            | "readlink"
            | "basename"
            | "dirname"
    );
    // Printers that can also write a file (`sort -o`, `uniq in out`, `xxd in out`, `iconv
    // -o`, an awk or sed program) or run one (`source`) are not only readers.
    let prints_only = printer(program).is_some()
        && !matches!(
            program,
            "tee"
                | "sort"
                | "uniq"
                | "xxd"
                | "iconv"
                | "sed"
                | "awk"
                | "gawk"
                | "mawk"
                | "nawk"
                | "yq"
                | "source"
                | "."
        );
    lists || prints_only
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in [".env", "config.yml", "notes.txt", ".leakgate.toml"] {
            std::fs::write(dir.path().join(name), "x").expect("write");
        }
        dir
    }

    fn printed(command: &str, dir: &Path) -> Vec<String> {
        (analyze(command, dir).prints.iter())
            .map(|p| p.strip_prefix(dir).unwrap_or(p).display().to_string())
            .collect()
    }

    #[test]
    fn printers_of_named_files_are_found() {
        let dir = tree();
        let d = dir.path();
        assert_eq!(printed("cat .env", d), vec![".env"]);
        assert_eq!(printed("head -n 3 .env", d), vec![".env"]);
        assert_eq!(printed("tail -f 'config.yml'", d), vec!["config.yml"]);
        assert_eq!(
            printed("grep TOKEN .env config.yml", d),
            vec![".env", "config.yml"]
        );
        assert_eq!(printed("grep -e TOKEN .env", d), vec![".env"]);
        assert_eq!(printed("source .env && npm start", d), vec![".env"]);
        assert_eq!(printed(". ./.env", d), vec![".env"]);
        assert_eq!(printed("less < .env", d), vec![".env"]);
        assert_eq!(
            printed("ls; /bin/cat \"notes.txt\" | wc -l", d),
            vec!["notes.txt"]
        );
        assert_eq!(printed("sudo cat .env", d), vec![".env"]);
        assert_eq!(printed("X=1 cat .env", d), vec![".env"]);
        assert_eq!(printed("echo $(cat .env)", d), vec![".env"]);
    }

    #[test]
    fn what_prints_no_content_is_not_a_read() {
        let dir = tree();
        let d = dir.path();
        assert!(printed("grep -l TOKEN .env", d).is_empty());
        assert!(printed("grep -rl TOKEN .", d).is_empty());
        assert!(printed("grep --count TOKEN .env", d).is_empty());
        assert!(
            printed("grep .env notes", d).is_empty(),
            "the pattern is not a file"
        );
        assert!(printed("ls -la .env", d).is_empty());
        assert!(printed("cat missing.txt", d).is_empty());
        assert!(printed("echo hello > notes.txt", d).is_empty());
    }

    #[test]
    fn changes_are_what_is_named_other_than_to_print() {
        let dir = tree();
        let d = dir.path();
        let changes = |c: &str| analyze(c, d).changes;
        let config = d.join(".leakgate.toml");
        assert!(changes("rm .leakgate.toml").contains(&config));
        assert!(changes("echo '[rules]' >> .leakgate.toml").contains(&config));
        assert!(changes("sed -i s/a/b/ .leakgate.toml").contains(&config));
        assert!(changes("cat .leakgate.toml").is_empty());
        assert!(changes("grep x .leakgate.toml 2>&1").is_empty());
    }

    #[test]
    fn cd_globs_variables_and_nesting_are_followed() {
        let dir = tree();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).expect("dir");
        std::fs::write(d.join("sub/app.yml"), "x").expect("write");
        assert_eq!(printed("cat .en*", d), vec![".env"]);
        assert_eq!(printed("cd sub && cat app.yml", d), vec!["sub/app.yml"]);
        assert_eq!(printed("bash -c 'cat .env'", d), vec![".env"]);
        assert_eq!(printed("eval cat .env", d), vec![".env"]);
        assert_eq!(printed("F=.env; cat $F", d), vec![".env"]);
        assert_eq!(printed("dd if=.env", d), vec![".env"]);
        assert!(printed("cat '$F'", d).is_empty(), "single quotes keep `$`");
        let unsure = |c: &str| -> Vec<String> {
            (analyze(c, d).unsure.iter())
                .map(|u| {
                    u.path
                        .strip_prefix(d)
                        .unwrap_or(&u.path)
                        .display()
                        .to_string()
                })
                .collect()
        };
        assert!(unsure("cat $X").contains(&".env".to_owned()));
        assert_eq!(unsure("python3 -c \"open('.env').read()\""), vec![".env"]);
        let objects = analyze("git show HEAD:config.yml", d).objects;
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].spec, "HEAD:config.yml");
        assert_eq!(analyze("grep -r TOKEN .", d).searches.len(), 1);
    }

    #[test]
    fn long_commands_take_linear_time() {
        let dir = tree();
        let command = "cat .env ".repeat(20_000) + &"'".repeat(50_000);
        // CPU time, not wall time: a busy machine must not fail a linear-time check.
        let started = crate::cpu_time::thread_cpu_time();
        let _ = analyze(&command, dir.path());
        let used = crate::cpu_time::thread_cpu_time() - started;
        assert!(used < std::time::Duration::from_secs(5), "{used:?}");
    }

    #[test]
    fn only_reads_on_the_rewritten_reader() {
        for command in [
            "cat .leakgate.toml",
            "grep -n rule .leakgate.toml | head -3",
            "cd .claude && ls -la && cat settings.json",
            "sudo cat .leakgateignore 2>/dev/null",
            "wc -l .leakgateignore 2>&1",
            "F=.leakgate.toml; cat \"$F\"",
        ] {
            assert!(only_reads(command), "{command}");
        }
        for command in [
            "echo x > .leakgate.toml",
            "cat a >> .leakgateignore",
            "rm .leakgate.toml",
            "sed -i d .leakgate.toml",
            "sort -o .leakgateignore x",
            "uniq x .leakgateignore",
            "xxd -r x .leakgate.toml",
            "iconv -o .leakgate.toml x",
            "mawk '{print > \".leakgateignore\"}' x",
            "bash -c 'rm .leakgate.toml'",
            "cat x; (rm .leakgate.toml)",
            "python3 -c \"open('.leakgate.toml','w')\"",
            "source .leakgate.toml",
            "$EDITOR .leakgate.toml",
            "xargs rm < list",
        ] {
            assert!(!only_reads(command), "{command}");
        }
    }
}
