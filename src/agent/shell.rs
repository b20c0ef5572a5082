//! What a shell command an agent is about to run does with files, as far as a guard needs to
//! know: which existing files it prints into the agent's context (`cat .env`, `grep KEY
//! config.yml`, `head -n 3 < secrets.txt`), and which files it may change (`rm
//! .leakgateignore`, `echo … >> .leakgate.toml`).
//!
//! This is a reader of the common shapes, not a shell: words are split with quotes and escapes
//! as `sh` does, commands are split at `;`, `&&`, `||`, `|`, `&`, newlines, parentheses and
//! backticks, and each command's program is looked up in a list of programs that print the
//! files they are given. Variables other than `$HOME` are not expanded, and globs are not
//! matched; a word that names no existing file is ignored. Work is linear in the command's
//! length.

use std::path::{Path, PathBuf};

/// What [`analyze`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Existing regular files the command prints.
    pub prints: Vec<PathBuf>,
    /// Files the command names other than to print them: it may change them.
    pub changes: Vec<PathBuf>,
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

/// Programs that print the files they are given, or load them into the shell (`source`).
fn printer(program: &str) -> Option<Printer> {
    Some(match program {
        "cat" | "tac" | "nl" | "head" | "tail" | "less" | "more" | "most" | "bat" | "batcat"
        | "view" | "source" | "." | "strings" | "xxd" | "od" | "hexdump" | "base64" | "sort"
        | "uniq" | "cut" | "column" | "fold" | "paste" | "diff" | "tee" => Printer::Files,
        "grep" | "egrep" | "fgrep" | "rg" | "ag" | "awk" | "gawk" | "sed" | "jq" | "yq" => {
            Printer::PatternFirst
        }
        _ => return None,
    })
}

/// Flags after which a printer prints no file content: names (`grep -l`), counts, or nothing
/// (`-q`); `sed -i` edits in place.
fn prints_nothing(program: &str, flag: &str) -> bool {
    match program {
        "grep" | "egrep" | "fgrep" | "rg" | "ag" => {
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
        "grep" | "egrep" | "fgrep" | "rg" | "ag" => {
            matches!(flag, "-m" | "-A" | "-B" | "-C" | "-g" | "-t" | "-T")
        }
        "cut" => matches!(flag, "-d" | "-f" | "-c" | "-b"),
        "sort" => matches!(flag, "-k" | "-t" | "-o"),
        "awk" | "gawk" => flag == "-F" || flag == "-v",
        _ => false,
    }
}

/// Flags that give the pattern or program themselves, so every operand is a file.
fn gives_pattern(program: &str, flag: &str) -> bool {
    match program {
        "grep" | "egrep" | "fgrep" | "rg" | "ag" => {
            matches!(flag, "-e" | "-f" | "--regexp" | "--file")
                || flag.starts_with("--regexp=")
                || flag.starts_with("--file=")
        }
        "sed" => matches!(flag, "-e" | "-f" | "--expression" | "--file"),
        "awk" | "gawk" => flag == "-f",
        _ => false,
    }
}

/// Programs that run the rest of their words as a command.
fn is_wrapper(program: &str) -> bool {
    matches!(
        program,
        "sudo" | "env" | "command" | "exec" | "nohup" | "time" | "nice" | "xargs" | "doas"
    )
}

/// A word of a command, or a redirection with its target.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    /// `<` (input) or `>`/`>>` (output), with the word after it.
    Redirect {
        input: bool,
        target: String,
    },
    /// The end of one command (`;`, `|`, `&&`, a newline, …).
    Break,
}

/// Split `command` into words, redirections and command breaks, as `sh` quotes them.
fn tokens(command: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut pending: Option<bool> = None;
    let mut chars = command.chars().peekable();
    let finish = |word: &mut String,
                  in_word: &mut bool,
                  pending: &mut Option<bool>,
                  out: &mut Vec<Token>| {
        if !*in_word {
            return;
        }
        let text = std::mem::take(word);
        *in_word = false;
        match pending.take() {
            Some(input) => out.push(Token::Redirect {
                input,
                target: text,
            }),
            None => out.push(Token::Word(text)),
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
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(next) = chars.next() {
                                word.push(next);
                            }
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.next()
                    && next != '\n'
                {
                    word.push(next);
                }
            }
            ' ' | '\t' => finish(&mut word, &mut in_word, &mut pending, &mut out),
            ';' | '|' | '&' | '\n' | '(' | ')' | '`' => {
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
                if in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
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
                word.push(c);
            }
        }
    }
    finish(&mut word, &mut in_word, &mut pending, &mut out);
    out
}

/// `~/x`, `$HOME/x` and `${HOME}/x` with the home directory; `None` for any other variable.
fn expand(word: &str, cwd: &Path) -> Option<PathBuf> {
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
        cwd.join(path)
    })
}

/// The base name of a program word (`/usr/bin/cat` is `cat`).
fn program_name(word: &str) -> &str {
    if word == "." {
        return word;
    }
    word.rsplit('/').next().unwrap_or(word)
}

/// What `command`, run in `cwd`, prints and may change. See the module documentation.
pub fn analyze(command: &str, cwd: &Path) -> Analysis {
    let mut analysis = Analysis::default();
    let mut current: Vec<Token> = Vec::new();
    for token in tokens(command).into_iter().chain([Token::Break]) {
        if token == Token::Break {
            one_command(&current, cwd, &mut analysis);
            current.clear();
        } else {
            current.push(token);
        }
    }
    analysis.prints.sort();
    analysis.prints.dedup();
    analysis.changes.sort();
    analysis.changes.dedup();
    analysis
}

fn one_command(tokens: &[Token], cwd: &Path, analysis: &mut Analysis) {
    let words: Vec<&str> = (tokens.iter())
        .filter_map(|t| match t {
            Token::Word(w) => Some(w.as_str()),
            Token::Redirect { .. } => None,
            Token::Break => None,
        })
        .collect();
    // Skip variable assignments and wrappers (`sudo`, `env X=1`) to the program.
    let mut at = 0;
    while let Some(word) = words.get(at) {
        let assignment = word.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if assignment || is_wrapper(program_name(word)) || word.starts_with('-') && at > 0 {
            at += 1;
        } else {
            break;
        }
    }
    let program = words.get(at).map(|w| program_name(w)).unwrap_or_default();
    let operands = words.get(at + 1..).unwrap_or_default();
    let printing = printer(program);
    let silent = operands
        .iter()
        .take_while(|w| **w != "--")
        .any(|w| prints_nothing(program, w));

    let mut printed: Vec<&str> = Vec::new();
    if let Some(kind) = printing.filter(|_| !silent) {
        let mut pattern_pending =
            kind == Printer::PatternFirst && !operands.iter().any(|w| gives_pattern(program, w));
        let mut flags_done = false;
        let mut skip_next = false;
        for word in operands {
            if skip_next {
                skip_next = false;
                continue;
            }
            if !flags_done && *word == "--" {
                flags_done = true;
                continue;
            }
            if !flags_done && word.starts_with('-') && word.len() > 1 {
                skip_next = takes_value(program, word) || gives_pattern(program, word);
                continue;
            }
            if pattern_pending {
                pattern_pending = false;
                continue;
            }
            printed.push(word);
        }
        for token in tokens {
            if let Token::Redirect {
                input: true,
                target,
            } = token
            {
                printed.push(target);
            }
        }
    }
    for word in &printed {
        if let Some(path) = expand(word, cwd)
            && std::fs::metadata(&path).is_ok_and(|m| m.is_file())
        {
            analysis.prints.push(path);
        }
    }
    // Anything else the command names may be changed by it: an output redirection, or an
    // operand of a program that does not only print.
    let read_only = printing.is_some() && program != "tee" && !silent_write(program, operands);
    let redirected = tokens.iter().filter_map(|t| match t {
        // `2>&1`, `>&-`: a file descriptor, not a file.
        Token::Redirect {
            input: false,
            target,
        } if !target.chars().all(|c| c.is_ascii_digit() || c == '-') => Some(target.as_str()),
        _ => None,
    });
    let operated = operands.iter().copied().filter(|_| !read_only);
    for word in redirected.chain(operated) {
        if let Some(path) = expand(word, cwd) {
            analysis.changes.push(path);
        }
    }
}

/// A printer that also writes (`sed -i`, `sort -o`).
fn silent_write(program: &str, operands: &[&str]) -> bool {
    match program {
        "sed" => operands.iter().any(|w| prints_nothing("sed", w)),
        "sort" => operands
            .iter()
            .any(|w| *w == "-o" || w.starts_with("--output")),
        _ => false,
    }
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
        } => !(target == "/dev/null" || target.chars().all(|c| c.is_ascii_digit() || c == '-')),
        _ => false,
    });
    if writes_a_file {
        return false;
    }
    let words = tokens.iter().filter_map(|t| match t {
        Token::Word(w) => Some(w.as_str()),
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
    let prints_only = printer(program).is_some()
        && !matches!(program, "tee" | "sort" | "sed" | "awk" | "gawk" | "yq");
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
    fn long_commands_take_linear_time() {
        let dir = tree();
        let command = "cat .env ".repeat(20_000) + &"'".repeat(50_000);
        let started = std::time::Instant::now();
        let _ = analyze(&command, dir.path());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
