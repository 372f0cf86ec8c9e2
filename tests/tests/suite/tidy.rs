//! House rules that a compiler does not check: every module says why it exists,
//! and no debugging leftovers or placeholders ship.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target"
            || name == "dist"
            || name == "node_modules"
            || name.to_string_lossy().starts_with('.')
        {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_module_has_a_doc_and_no_leftovers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for crate_dir in [
        "api",
        "cache",
        "compliance",
        "domain",
        "entity",
        "frontend",
        "migration",
        "numbering",
        "suppression-index",
        "tabular",
        "tests",
        "workers",
    ] {
        rust_files(&root.join(crate_dir), &mut files);
    }
    assert!(files.len() > 30, "found only {} files", files.len());
    let forbidden = [
        concat!("dbg", "!("),
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
    ];
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let first = text
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or_default();
        if !first.starts_with("//!") {
            problems.push(format!(
                "{}: starts without a `//!` module doc",
                file.display()
            ));
        }
        for word in forbidden {
            if text.contains(word) {
                problems.push(format!("{}: contains {word}", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
