//! The `.d.ts` declares `IssueCode` and `ErrorCode` as string-literal
//! unions; this holds each equal to its Rust enum, both ways: a code added
//! to the enum (its `as_str` match is exhaustive, so every variant has an
//! arm) and missing from the declaration fails here, and so does a
//! declared code the enum does not have.

use std::collections::BTreeSet;

/// The string codes of an `as_str` whose match arms read `=> "CODE"`.
fn rust_codes(source: &str) -> BTreeSet<String> {
    let start = source.find("pub const fn as_str(self)").expect("as_str");
    let body = &source[start..];
    let body = &body[..body.find("\n    }\n").expect("end of as_str")];
    body.split("=> \"").skip(1).map(|rest| rest[..rest.find('"').expect("closing quote")].to_string()).collect()
}

/// The members of `export type NAME = "A" | "B" …;` in the declarations.
fn declared_codes(dts: &str, name: &str) -> BTreeSet<String> {
    let head = format!("export type {name} =");
    let start = dts.find(&head).unwrap_or_else(|| panic!("{head} is not declared"));
    let union = &dts[start + head.len()..];
    let union = &union[..union.find(';').expect("end of the union")];
    union.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

const TYPES: &str = include_str!("../src/wasm/types.rs");

#[test]
fn issue_codes_in_rust_and_the_declarations_are_the_same() {
    let rust = rust_codes(include_str!("../src/core/issue.rs"));
    assert!(rust.len() > 30 && rust.contains("TOO_MANY_IMAGES"), "{rust:?}");
    assert_eq!(declared_codes(TYPES, "IssueCode"), rust);
}

#[test]
fn error_codes_in_rust_and_the_declarations_are_the_same() {
    let rust = rust_codes(include_str!("../src/core/error.rs"));
    assert!(rust.contains("BAD_RESPONSE") && rust.contains("TIMEOUT"), "{rust:?}");
    assert_eq!(declared_codes(TYPES, "ErrorCode"), rust);
}

#[test]
fn the_issue_field_is_typed_with_the_union() {
    assert!(TYPES.contains("  code: IssueCode;"), "Issue.code must be IssueCode");
}

#[test]
fn the_shipped_readme_explains_every_issue_code() {
    let readme = include_str!("../npm/README.md");
    for code in rust_codes(include_str!("../src/core/issue.rs")) {
        assert!(readme.contains(&format!("| `{code}` |")), "npm/README.md has no row for {code}");
    }
}
