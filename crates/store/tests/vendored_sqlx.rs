//! The vendored sqlx-core (`vendor/sqlx-core`) is the published crate plus
//! its one patch: `scripts/check-vendored-sqlx.sh` proves it, and refuses a
//! copy changed in any other way.

#![allow(clippy::unwrap_used)]

use std::{path::Path, process::Command};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn check(dir: &Path) -> std::process::Output {
    Command::new("bash").arg(root().join("scripts/check-vendored-sqlx.sh")).arg(dir).output().unwrap()
}

#[test]
fn the_vendored_copy_is_the_published_crate_plus_its_patch() {
    let out = check(&root().join("vendor/sqlx-core"));
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_licences_are_texts_not_dangling_links() {
    for (file, words) in [("LICENSE-APACHE", "Apache License"), ("LICENSE-MIT", "Permission is hereby granted")] {
        let text = std::fs::read_to_string(root().join("vendor/sqlx-core").join(file)).unwrap();
        assert!(text.contains(words), "{file} is not the licence text: {text:?}");
    }
}

#[test]
fn a_change_beyond_the_patch_is_refused() {
    let copy = tempfile::tempdir().unwrap();
    let status = Command::new("cp").arg("-r").arg(root().join("vendor/sqlx-core/.")).arg(copy.path()).status().unwrap();
    assert!(status.success());
    let lib = copy.path().join("src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\n// an unrecorded change\n");
    std::fs::write(&lib, text).unwrap();
    let out = check(copy.path());
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("an unrecorded change"));
}
