//! The stylesheet, script and icon, compiled into the binary and served
//! under names that carry a hash of their content, so that browsers may
//! cache them forever and still see a new version at once.

use axum::{
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use std::sync::LazyLock;

/// The stylesheet, script and icon: a route, no navigation entry.
pub const AREA: super::area::Area = super::area::Area { routes, nav: &[] };

fn routes() -> axum::Router<crate::AppState> {
    axum::Router::new().route("/assets/{file}", axum::routing::get(serve))
}

const CSS: &str = include_str!("../../assets/app.css");
const JS: &str = include_str!("../../assets/app.js");
const ICON: &str = include_str!("../../assets/icon.svg");

/// FNV-1a, computed at compile time: a cache key, not a security measure.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

struct Asset {
    stem: &'static str,
    ext: &'static str,
    body: &'static str,
    content_type: &'static str,
    hash: u64,
}

const ASSETS: [Asset; 3] = [
    Asset { stem: "app", ext: "css", body: CSS, content_type: "text/css; charset=utf-8", hash: fnv1a(CSS.as_bytes()) },
    Asset {
        stem: "app",
        ext: "js",
        body: JS,
        content_type: "text/javascript; charset=utf-8",
        hash: fnv1a(JS.as_bytes()),
    },
    Asset { stem: "icon", ext: "svg", body: ICON, content_type: "image/svg+xml", hash: fnv1a(ICON.as_bytes()) },
];

impl Asset {
    fn file_name(&self) -> String {
        format!("{}.{:012x}.{}", self.stem, self.hash & 0xffff_ffff_ffff, self.ext)
    }
}

static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| ASSETS.iter().map(Asset::file_name).collect());

fn url(i: usize) -> String {
    format!("/assets/{}", NAMES.get(i).map(String::as_str).unwrap_or(""))
}

pub fn css_url() -> String {
    url(0)
}

pub fn js_url() -> String {
    url(1)
}

pub fn icon_url() -> String {
    url(2)
}

pub async fn serve(Path(file): Path<String>) -> Response {
    let Some(i) = NAMES.iter().position(|n| *n == file) else {
        return (StatusCode::NOT_FOUND, "no such asset\n").into_response();
    };
    let a = &ASSETS[i];
    let mut r = a.body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.content_type));
    // The name changes with the content, so a copy never goes stale.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        assert!(css_url().starts_with("/assets/app.") && css_url().ends_with(".css"));
        assert_ne!(css_url(), js_url());
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
    }
}
