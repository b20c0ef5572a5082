//! Escaping for untrusted text on its way to a terminal or a CI log. Paths, JSON keys and
//! pointers, git author names, rule ids from a configuration, integrity and hygiene messages all
//! come from what is being scanned, so an attacker chooses them: a file name holding `\x1b]…`
//! rewrites the terminal, one holding `\n` forges a line of the report, a bidi override makes
//! `txt.exe` read as `exe.txt`, and in a GitHub Actions log a line starting `::` or holding `##[`
//! runs a workflow command (`::stop-commands::` silences every annotation after it).
//!
//! [`escape`] is the one function every printer uses on such text: control characters become
//! visible escapes (`\n`, `\x1b`), invisible formatting characters (bidi overrides, zero-width
//! characters, line separators) become `\u{202e}`, and `##[` loses its meaning as `##\[`. A
//! backslash is left alone: paths with one are common, and an escape cannot be forged by one
//! since escaping changes nothing else around it. [`guard_log_line`] is the last line of defence
//! for a whole line of a CI log. [`EscapedDiagnostic`] applies the same to a fatal error and the
//! source code it quotes.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// `text` with every character that could act on a terminal or a CI log made visible.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) && !text.contains(V1_COMMAND) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out.replace(V1_COMMAND, V1_COMMAND_ESCAPED))
}

/// [`escape`] as a `Display`, for `format!` arguments.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

/// A path, shown lossily as UTF-8 and escaped.
pub fn path(path: &std::path::Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

/// A GitHub Actions runner runs `##[command]` anywhere in a line (the legacy syntax).
const V1_COMMAND: &str = "##[";
const V1_COMMAND_ESCAPED: &str = r"##\[";

/// Whether a character acts on a terminal (or a reader) rather than just showing: what
/// [`escape`] rewrites, and what snippets replace.
pub fn acts_on_terminal(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Characters that change how text around them is shown without being seen themselves: bidi
/// embeddings, overrides, isolates and marks; zero-width spaces and joiners; line and paragraph
/// separators; the byte-order mark; interlinear annotations; and the noncharacters that XML
/// cannot hold.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{fffe}'
            | '\u{ffff}'
    )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str(r"\n"),
        '\r' => out.push_str(r"\r"),
        '\t' => out.push_str(r"\t"),
        c if c.is_control() && (c as u32) < 0x100 => {
            let _ = write!(out, r"\x{:02x}", c as u32);
        }
        c if acts_on_terminal(c) => {
            let _ = write!(out, r"\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// One line of output bound for a GitHub Actions log (without its line ending), made unable to
/// run a workflow command: the runner trims leading whitespace and runs a line starting `::`, and
/// runs `##[…]` anywhere in a line. Only that: the line's own colors stay, since its untrusted
/// parts went through [`escape`] already. Lines built from escaped text never need this; it
/// catches what a future change forgets.
pub fn guard_log_line(line: &str) -> Cow<'_, str> {
    let line = if line.contains(V1_COMMAND) {
        Cow::Owned(line.replace(V1_COMMAND, V1_COMMAND_ESCAPED))
    } else {
        Cow::Borrowed(line)
    };
    if line.trim_start().starts_with("::") {
        Cow::Owned(format!(r"\{line}"))
    } else {
        line
    }
}

/// A fatal error with every message in it escaped: its own, each cause's, its help and its
/// labels (error messages carry paths and git's words about refs, all of which an attacker can
/// name). The source code it points into is the inner error's, unchanged.
pub struct EscapedDiagnostic {
    inner: Box<dyn miette::Diagnostic + Send + Sync + 'static>,
    message: String,
    cause: Option<Box<EscapedCause>>,
    /// The source code the error points into (a configuration file, say), made safe to show.
    source: Option<SafeSource>,
}

/// Source code with every control and invisible character replaced by a visible one of the same
/// length in bytes and in characters (`?`, `¿`, `\u{fffd}`), so every span and column the error
/// gives still points where it did. Line breaks and tabs stay: the renderer lays them out.
struct SafeSource {
    data: Vec<u8>,
    name: Option<String>,
}

impl SafeSource {
    fn of(source: &dyn miette::SourceCode) -> Option<Self> {
        // From the start, with every line after it: the whole text.
        let whole = source
            .read_span(&miette::SourceSpan::from((0, 0)), 0, usize::MAX)
            .ok()?;
        Some(SafeSource {
            data: shown_in_place(whole.data()),
            name: whole.name().map(str::to_owned),
        })
    }
}

/// `bytes` with each character that acts on a terminal replaced, keeping every length.
fn shown_in_place(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        let mut chars = chunk.valid().chars().peekable();
        while let Some(c) = chars.next() {
            let keep = matches!(c, '\n' | '\t') || (c == '\r' && chars.peek() == Some(&'\n'));
            if keep || !acts_on_terminal(c) {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            } else {
                let marker = match c.len_utf8() {
                    1 => "?",
                    2 => "\u{bf}",
                    _ => "\u{fffd}",
                };
                out.extend_from_slice(marker.as_bytes());
            }
        }
        out.extend(std::iter::repeat_n(b'?', chunk.invalid().len()));
    }
    out
}

impl miette::SourceCode for SafeSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let contents =
            self.data
                .as_slice()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(match &self.name {
            Some(name) => Box::new(miette::MietteSpanContents::new_named(
                name.clone(),
                contents.data(),
                *contents.span(),
                contents.line(),
                contents.column(),
                contents.line_count(),
            )),
            None => contents,
        })
    }
}

/// One cause of an [`EscapedDiagnostic`], its message escaped.
#[derive(Debug)]
struct EscapedCause {
    message: String,
    next: Option<Box<EscapedCause>>,
}

impl fmt::Display for EscapedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EscapedCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.next
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl EscapedDiagnostic {
    pub fn new(inner: impl miette::Diagnostic + Send + Sync + 'static) -> Self {
        let message = escape(&inner.to_string()).into_owned();
        let mut causes = Vec::new();
        let mut source = inner.source();
        while let Some(error) = source {
            causes.push(escape(&error.to_string()).into_owned());
            source = error.source();
        }
        let cause = causes.into_iter().rev().fold(None, |next, message| {
            Some(Box::new(EscapedCause { message, next }))
        });
        let source = inner.source_code().and_then(SafeSource::of);
        EscapedDiagnostic {
            inner: Box::new(inner),
            message,
            cause,
            source,
        }
    }
}

impl fmt::Debug for EscapedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for EscapedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EscapedDiagnostic {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

fn escaped_display<'a>(text: Box<dyn fmt::Display + 'a>) -> Box<dyn fmt::Display + 'a> {
    Box::new(escape(&text.to_string()).into_owned())
}

impl miette::Diagnostic for EscapedDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code().map(escaped_display)
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.inner.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help().map(escaped_display)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.url().map(escaped_display)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|source| source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels().map(|labels| {
            Box::new(labels.map(|mut label| {
                let text = label.label().map(|l| escape(l).into_owned());
                label.set_label(text);
                label
            })) as Box<dyn Iterator<Item = miette::LabeledSpan>>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_invisible_characters_become_visible() {
        assert_eq!(escape("plain/path.txt"), "plain/path.txt");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(escape("a\nb\r\tc"), r"a\nb\r\tc");
        assert_eq!(escape("\x1b]0;x\x07"), r"\x1b]0;x\x07");
        assert_eq!(escape("\u{9b}31m"), r"\x9b31m");
        assert_eq!(escape("txt\u{202e}exe"), r"txt\u{202e}exe");
        assert_eq!(escape("a\u{2028}b\u{200b}"), r"a\u{2028}b\u{200b}");
        assert_eq!(escape("x ##[add-mask]y"), r"x ##\[add-mask]y");
        assert_eq!(escape(r"C:\dir"), r"C:\dir");
    }

    #[test]
    fn quoted_source_keeps_its_lengths() {
        let source = "a\x1b[2J\r\nb\u{202e}c\u{85}\td\re\n";
        let shown = String::from_utf8(shown_in_place(source.as_bytes())).expect("utf8");
        assert_eq!(shown, "a?[2J\r\nb\u{fffd}c\u{bf}\td?e\n");
        assert_eq!(shown.len(), source.len());
        assert_eq!(shown.chars().count(), source.chars().count());
    }

    #[test]
    fn log_lines_cannot_start_a_workflow_command() {
        assert_eq!(
            guard_log_line("  ::stop-commands::t"),
            r"\  ::stop-commands::t"
        );
        assert_eq!(guard_log_line("error: a::b"), "error: a::b");
        assert_eq!(guard_log_line("x##[error]y"), r"x##\[error]y");
    }
}
