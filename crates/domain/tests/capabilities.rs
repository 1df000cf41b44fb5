//! The capability layout, read from the source tree (see `crates/domain/README.md`): no
//! capability imports one that imports it back (directly or through others), the jurisdiction
//! imports no capability, and every capability folder holds only the same inner modules.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const CAPABILITIES: [&str; 14] = [
    "people",
    "access",
    "zsm",
    "screening",
    "conference",
    "plan",
    "measures",
    "cohort",
    "notifications",
    "admin",
    "partnership",
    "interventions",
    "funds",
    "mentoring",
];

/// The inner modules a capability folder may have (each a file or a folder), besides `mod.rs`,
/// unit test files (`*_tests.rs`) and test fixtures (`test_support.rs`).
const INNER_MODULES: [&str; 4] = ["model", "workflow", "service", "ports"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The top-level modules of the crate that `text` names as `crate::name`, including those in
/// a group such as `use crate::{plan::Plan, access::Restriction}`.
fn crate_modules(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            found.extend(group.split(',').map(|item| ident(item.trim())).filter(|name| !name.is_empty()));
        } else {
            found.insert(ident(rest));
        }
    }
    found
}

/// The other capabilities each capability's folder names.
fn imports() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    CAPABILITIES
        .iter()
        .map(|&capability| {
            let mut named = BTreeSet::new();
            for file in rust_files(&src().join(capability)) {
                let text = fs::read_to_string(&file).expect("readable source");
                let modules = crate_modules(&text);
                named.extend(CAPABILITIES.iter().copied().filter(|c| *c != capability && modules.contains(*c)));
            }
            (capability, named)
        })
        .collect()
}

/// A path of imports from `from` to `to`, if there is one.
fn path(
    graph: &BTreeMap<&'static str, BTreeSet<&'static str>>,
    from: &'static str,
    to: &str,
) -> Option<Vec<&'static str>> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![vec![from]];
    while let Some(route) = stack.pop() {
        let last = *route.last().expect("routes are never empty");
        for &next in &graph[last] {
            let mut longer = route.clone();
            longer.push(next);
            if next == to {
                return Some(longer);
            }
            if seen.insert(next) {
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn the_scan_sees_single_and_grouped_imports() {
    let text = "use crate::plan::Plan;\nuse crate::{access::Restriction, people};\nfn f() { crate::zsm::x() }";
    let found: Vec<String> = crate_modules(text).into_iter().collect();
    assert_eq!(found, ["access", "people", "plan", "zsm"]);
}

#[test]
fn no_capability_imports_one_that_imports_it_back() {
    let graph = imports();
    let mut circles = Vec::new();
    for (&capability, named) in &graph {
        for &other in named {
            if let Some(back) = path(&graph, other, capability) {
                circles.push(format!("{capability} -> {}", back.join(" -> ")));
            }
        }
    }
    assert!(circles.is_empty(), "import circles between capabilities:\n{}", circles.join("\n"));
}

#[test]
fn the_jurisdiction_imports_no_capability() {
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for file in rust_files(&src().join("jurisdiction")) {
        let modules = crate_modules(&fs::read_to_string(&file).expect("readable source"));
        named.extend(CAPABILITIES.iter().copied().filter(|c| modules.contains(*c)));
    }
    assert!(named.is_empty(), "the jurisdiction imports {named:?}; capabilities depend on it, never the reverse");
}

#[test]
fn every_capability_folder_has_only_the_same_inner_modules() {
    let mut strays = Vec::new();
    for capability in CAPABILITIES {
        for entry in fs::read_dir(src().join(capability)).expect("capability folder") {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 file name").to_owned();
            let module = name.strip_suffix(".rs").unwrap_or(&name);
            let allowed = name == "mod.rs"
                || INNER_MODULES.contains(&module)
                || (path.is_file() && (module.ends_with("_tests") || module == "test_support"));
            if !allowed {
                strays.push(format!("{capability}/{name}"));
            }
        }
    }
    assert!(strays.is_empty(), "capability folders hold only {INNER_MODULES:?}; found {strays:?}");
}

#[test]
fn no_source_file_is_over_six_hundred_lines() {
    let long: Vec<String> = rust_files(&src())
        .into_iter()
        .filter_map(|file| {
            let lines = fs::read_to_string(&file).expect("readable source").lines().count();
            (lines > 600).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    assert!(long.is_empty(), "split by responsibility: {long:?}");
}
