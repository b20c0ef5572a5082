//! Embeds every `rules/*.toml` file into the binary, sorted by name so builds are reproducible,
//! three times: as written (for errors that point into a file), translated to one JSON document
//! without the examples, which start-up reads several times faster than TOML (every run of the
//! pre-commit hook and the agent guard pays it), and the examples alone, as JSON, which only
//! `rules check` reads.
use std::{env, fs, path::Path};

fn main() {
    let rules_dir = Path::new("rules");
    println!("cargo::rerun-if-changed=rules");
    let mut files: Vec<_> = fs::read_dir(rules_dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("[\n");
    let mut parsed = Vec::new();
    let mut examples = Vec::new();
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
        // A file that is not TOML is reported, pointing at the spot, by the binary's own
        // parser: keep the build going, but write an entry the JSON loader refuses (no
        // `rule`), so that it falls back to the TOML text and fails there. An empty list
        // would drop the file's rules silently.
        let Some(mut rules) = text
            .parse::<toml::Table>()
            .ok()
            .map(|mut table| {
                table
                    .remove("rule")
                    .unwrap_or(toml::Value::Array(Vec::new()))
            })
            .and_then(|rules| serde_json::to_value(rules).ok())
        else {
            parsed.push(serde_json::json!({"file": name, "unparsable": true}));
            continue;
        };
        for rule in rules.as_array_mut().into_iter().flatten() {
            let Some(rule) = rule.as_object_mut() else {
                continue;
            };
            let positive = rule.remove("examples");
            let negative = rule.remove("negative_examples");
            examples.push(serde_json::json!({
                "file": name,
                "id": rule.get("id"),
                "examples": positive.unwrap_or_default(),
                "negative_examples": negative.unwrap_or_default(),
            }));
        }
        parsed.push(serde_json::json!({"file": name, "rule": rules}));
    }
    out.push(']');
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    fs::write(Path::new(&out_dir).join("builtin_rules.rs"), out).expect("write builtin_rules.rs");
    let json = serde_json::to_string(&parsed).expect("rules as JSON");
    fs::write(Path::new(&out_dir).join("builtin_rules.json"), json)
        .expect("write builtin_rules.json");
    let json = serde_json::to_string(&examples).expect("examples as JSON");
    fs::write(Path::new(&out_dir).join("builtin_examples.json"), json)
        .expect("write builtin_examples.json");
}
