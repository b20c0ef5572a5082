//! Embeds every `rules/*.toml` file into the binary, sorted by name so builds are reproducible,
//! twice: as written (for errors that point into a file, and for `rules check`), and parsed, as
//! static tables that start-up copies instead of parsing (every run of the pre-commit hook and
//! the agent guard pays start-up). The tables are written with the binary's own rule schema
//! (`src/rules/spec.rs`, included here) and hold, besides every field of every rule, the keyword
//! prefilter of the built-in keywords, built here with the binary's own code
//! (`src/rules/prefilter.rs`): start-up borrows it instead of building it.
//!
//! Strings go into one text (`builtin_text.txt`), referred to by offset, so the tables are plain
//! numbers: no pointers, hence no relocations for the loader to apply at every start.
use std::collections::HashMap;
use std::fmt::Write as _;
use std::{env, fs, path::Path};

#[allow(dead_code)]
#[path = "src/rules/spec.rs"]
mod spec;

#[allow(dead_code)]
#[path = "src/rules/prefilter.rs"]
mod prefilter;

fn main() {
    let rules_dir = Path::new("rules");
    println!("cargo::rerun-if-changed=rules");
    println!("cargo::rerun-if-changed=src/rules/spec.rs");
    println!("cargo::rerun-if-changed=src/rules/prefilter.rs");
    let mut files: Vec<_> = fs::read_dir(rules_dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("[\n");
    let mut parsed = Some(Vec::new());
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 rule file name");
        let abs = fs::canonicalize(path).expect("canonical rule path");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).expect("read rule file");
        // A file that is not TOML or does not fit the schema is reported, pointing at the
        // spot, by the binary's own parser: keep the build going, but write no tables, so that
        // start-up parses the TOML texts and fails there. Dropping the file would lose its
        // rules silently.
        match toml::from_str::<spec::RuleFile>(&text) {
            Ok(file) => {
                if let Some(parsed) = &mut parsed {
                    parsed.push((name.to_owned(), file.rule));
                }
            }
            Err(_) => parsed = None,
        }
    }
    out.push(']');
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    let out_dir = Path::new(&out_dir);
    fs::write(out_dir.join("builtin_rules.rs"), out).expect("write builtin_rules.rs");
    let mut tables = Tables::default();
    let code = match parsed.and_then(|files| tables.write(Some(&files))) {
        Some(code) => code,
        None => {
            tables = Tables::default();
            tables.write(None).expect("empty tables")
        }
    };
    fs::write(out_dir.join("builtin_text.txt"), &tables.text).expect("write builtin_text.txt");
    fs::write(out_dir.join("builtin_tables.rs"), code).expect("write builtin_tables.rs");
}

/// The tables being written: the text every string is a range of, and the lists of strings.
#[derive(Default)]
struct Tables {
    text: String,
    /// Each string once (rule files repeat keywords, globs and stopwords).
    offsets: HashMap<String, (u32, u32)>,
    /// Lists of strings (keywords, globs, examples...), each a range of this.
    strs: Vec<(u32, u32)>,
}

impl Tables {
    /// A string as `Str(start, end)` into the text.
    fn str(&mut self, s: &str) -> String {
        let (start, end) = match self.offsets.get(s) {
            Some(&range) => range,
            None => {
                let start = self.text.len();
                self.text.push_str(s);
                let range = (number(start), number(self.text.len()));
                self.offsets.insert(s.to_owned(), range);
                range
            }
        };
        format!("Str({start}, {end})")
    }

    /// A list of strings as `List(start, end)` into `STRS`.
    fn list(&mut self, items: &[String]) -> String {
        let start = self.strs.len();
        for item in items {
            self.str(item);
            let range = self.offsets[item.as_str()];
            self.strs.push(range);
        }
        format!("List({start}, {})", self.strs.len())
    }

    fn opt_str(&mut self, s: Option<&str>) -> String {
        match s {
            Some(s) => format!("Some({})", self.str(s)),
            None => "None".to_owned(),
        }
    }

    /// The Rust source of the tables (see `src/rules/builtin.rs`), empty ones for `None` (a
    /// file that did not parse), or `None` when the rules cannot make a prefilter: in both
    /// cases start-up parses the TOML texts, and says what is wrong.
    fn write(&mut self, files: Option<&[(String, Vec<spec::RuleSpec>)]>) -> Option<String> {
        let parsed = files.is_some();
        let files = files.unwrap_or_default();
        // The prefilter's keywords: every rule's, lowercased, first occurrence first, in rule
        // order, skipping rules that read only decoded text (RuleSet::new does the same).
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_ids: HashMap<String, u32> = HashMap::new();
        let mut rules = String::new();
        let mut examples = String::new();
        let mut ids: Vec<u32> = Vec::new();
        let mut count = 0usize;
        for (file, specs) in files {
            let file = self.str(file);
            for spec in specs {
                count += 1;
                let ids_start = ids.len();
                if spec.context.is_none() {
                    for keyword in &spec.keywords {
                        let lower = keyword.to_ascii_lowercase();
                        let next = number(keywords.len());
                        let id = *keyword_ids.entry(lower.clone()).or_insert_with(|| {
                            keywords.push(lower);
                            next
                        });
                        ids.push(id);
                    }
                }
                let allow = &spec.allowlist;
                let requires = match &spec.requires {
                    Some(r) => format!(
                        "Some(StaticRequires {{ regex: {}, within_lines: {} }})",
                        self.str(&r.regex),
                        r.within_lines
                    ),
                    None => "None".to_owned(),
                };
                let _ = writeln!(
                    rules,
                    "    StaticRule {{ file: {file}, id: {id}, description: {description}, \
                     keywords: {keywords_list}, keyword_ids: List({ids_start}, {ids_end}), \
                     regex: {regex}, kind: RuleKind::{kind:?}, severity: Severity::{severity:?}, \
                     confidence: {confidence}, weak_literals: {weak}, min_entropy: {entropy}, \
                     multiline: {multiline}, paths: {paths}, allow_regexes: {allow_regexes}, \
                     allow_stopwords: {allow_stopwords}, revoke: {revoke}, checksum: {checksum}, \
                     requires: {requires}, context: {context} }},",
                    id = self.str(&spec.id),
                    description = self.str(&spec.description),
                    keywords_list = self.list(&spec.keywords),
                    ids_end = ids.len(),
                    regex = self.str(&spec.regex),
                    kind = spec.kind,
                    severity = spec.severity,
                    confidence = variant("Confidence", spec.confidence),
                    weak = variant("Confidence", spec.weak_literals),
                    entropy = match spec.min_entropy {
                        // The bits, so that the value is the one parsed, exactly.
                        Some(e) => format!("Some(f64::from_bits({:#x}))", e.to_bits()),
                        None => "None".to_owned(),
                    },
                    multiline = spec.multiline,
                    paths = self.list(&spec.paths),
                    allow_regexes = self.list(&allow.regexes),
                    allow_stopwords = self.list(&allow.stopwords),
                    revoke = self.opt_str(spec.revoke.as_deref()),
                    checksum = variant("Checksum", spec.checksum),
                    context = variant("RuleContext", spec.context),
                );
                let _ = writeln!(
                    examples,
                    "    StaticExamples {{ file: {file}, id: {id}, examples: {positive}, \
                     negative_examples: {negative} }},",
                    id = self.str(&spec.id),
                    positive = self.list(&spec.examples),
                    negative = self.list(&spec.negative_examples),
                );
            }
        }
        let keywords = prefilter::with_decoder_words(keywords);
        let prefilter = prefilter::KeywordPrefilter::new(&keywords).ok()?;
        let t = prefilter.tables();
        let keyword_list = self.list(&keywords);
        let mut sorted: Vec<u32> = (0..number(keywords.len())).collect();
        sorted.sort_by_key(|&id| &keywords[id as usize]);
        let mut code = String::from("// Written by build.rs: the built-in rules as tables.\n");
        let _ = writeln!(
            code,
            "const TEXT: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/builtin_text.txt\"));"
        );
        let _ = writeln!(code, "const PARSED: bool = {parsed};");
        let _ = writeln!(code, "static RULES: [StaticRule; {count}] = [\n{rules}];");
        let _ = writeln!(
            code,
            "static EXAMPLES: [StaticExamples; {count}] = [\n{examples}];"
        );
        let _ = writeln!(code, "static STRS: [Str; {}] = [", self.strs.len());
        for (start, end) in &self.strs {
            let _ = writeln!(code, "Str({start}, {end}),");
        }
        let _ = writeln!(code, "];");
        let _ = writeln!(code, "static KEYWORD_IDS: {};", array("u32", &ids));
        let _ = writeln!(code, "/// The prefilter's keywords, lowercased, by id.");
        let _ = writeln!(code, "const KEYWORDS: List = {keyword_list};");
        let _ = writeln!(code, "/// Keyword ids in the order of their keywords.");
        let _ = writeln!(code, "static KEYWORDS_SORTED: {};", array("u32", &sorted));
        let _ = writeln!(code, "static CLASSES: {};", array("u8", t.classes));
        let _ = writeln!(code, "const STRIDE: usize = {};", t.stride);
        let _ = writeln!(code, "static TRANSITIONS: {};", array("u32", t.transitions));
        let _ = writeln!(code, "static STARTS: {};", array("u32", t.starts));
        let _ = writeln!(code, "static ENDS: {};", array("u32", t.ends));
        let _ = writeln!(code, "static LENGTHS: {};", array("u32", t.lengths));
        Some(code)
    }
}

/// `Some(Type::Variant)` or `None`, from a unit variant's `Debug` name.
fn variant<T: std::fmt::Debug>(ty: &str, value: Option<T>) -> String {
    match value {
        Some(v) => format!("Some({ty}::{v:?})"),
        None => "None".to_owned(),
    }
}

/// A static array of numbers, as Rust source.
fn array<T: std::fmt::Display>(ty: &str, items: &[T]) -> String {
    let mut out = format!("[{ty}; {}] = [", items.len());
    for (i, item) in items.iter().enumerate() {
        if i % 32 == 0 {
            out.push('\n');
        }
        let _ = write!(out, "{item},");
    }
    out.push_str("\n]");
    out
}

fn number(n: usize) -> u32 {
    u32::try_from(n).expect("built-in rules fit u32 offsets")
}
