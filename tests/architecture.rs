//! The module graph has no cycles: no two top-level modules of `src/` reach each other through
//! `crate::` references, directly or through others. A reference counts as written, doc comments
//! and doc links included: a doc link up the layers is the first step of an import up them.
//!
//! Cycles are computed (strongly connected components of the reference graph), not checked
//! against a list of layers, so the test needs no update when a module is added; a failure names
//! the modules of each cycle and, for each edge in it, the files that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Edges between top-level modules: `from -> to -> files of `from` naming `to``.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn no_cycle_between_top_level_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    assert!(
        graph.len() >= 10,
        "expected the crate's modules in {}, found {:?}",
        src.display(),
        graph.keys().collect::<Vec<_>>()
    );
    let cycles: Vec<Vec<String>> = components(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    let described: Vec<String> = cycles.iter().map(|c| describe(&graph, c)).collect();
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules of src/ (each module below reaches every \
         other one in its group through `crate::` references):\n\n{}",
        described.join("\n\n")
    );
}

/// The checker itself: a two-module cycle is found, a chain is not, and `use crate::{a, b}`
/// groups and doc links count.
#[test]
fn the_checker_finds_cycles_in_groups_and_doc_links() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    };
    write("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;\n");
    write("a.rs", "use crate::{b::X, Error};\n");
    write("b/mod.rs", "pub mod inner;\n");
    write("b/inner.rs", "//! See [`crate::a::Y`].\n");
    write("c.rs", "use crate::d::Z;\n");
    write("d.rs", "pub struct Z;\n");
    let graph = module_graph(dir.path());
    let cycles: Vec<Vec<String>> = components(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    assert_eq!(cycles, vec![vec!["a".to_owned(), "b".to_owned()]]);
    assert!(describe(&graph, &cycles[0]).contains("b/inner.rs"));
}

/// Every `crate::<module>` reference of every file under `src`, by top-level module. The crate
/// root (`lib.rs`, `main.rs`) is no module and is left out.
fn module_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| top_module(src, f)).collect();
    let mut graph = Graph::new();
    for file in &files {
        let Some(from) = top_module(src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read a source file");
        let shown = file.strip_prefix(src).unwrap_or(file).display().to_string();
        let edges = graph.entry(from.clone()).or_default();
        for to in referenced(&text) {
            if to != from && modules.contains(&to) {
                edges.entry(to).or_default().insert(shown.clone());
            }
        }
    }
    graph
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read src/")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/rules/check.rs` -> `rules`, `src/mask.rs` -> `mask`; `None` for the crate root.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_owned())
}

/// The first path segment after each `crate::`, and each item's of a `crate::{...}` group.
fn referenced(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        // `$crate::` and `my_crate::` are not this crate's root.
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Items at depth 0 of the group: `crate::{a::X, b::{Y, Z}, Error}`.
            let mut depth = 0usize;
            let mut item_start = true;
            for (index, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        out.insert(ident(&group[index..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out
}

/// Strongly connected components (Tarjan), each sorted, in name order of their first module.
fn components(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flat_map(|e| e.keys()) {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.out.sort();
    state.out
}

/// One cycle: its modules, then each edge inside it with the files that make it.
fn describe(graph: &Graph, component: &[String]) -> String {
    let mut text = format!("cycle: {}", component.join(", "));
    for from in component {
        for (to, files) in graph.get(from).into_iter().flatten() {
            if component.contains(to) {
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                text.push_str(&format!("\n  {from} -> {to}  ({})", files.join(", ")));
            }
        }
    }
    text
}
