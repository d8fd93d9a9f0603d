//! The CSRF token of a multipart upload, read from the body: upload forms
//! carry `_csrf` as their first field, so no token ever sits in a page
//! address (where history, logs and `Referer` would keep it). Only the
//! body's beginning is read; the whole body then goes on, unchanged.

use axum::body::{Body, Bytes};
use futures_util::{StreamExt, stream};

/// How far into the body the first field must end.
const PEEK_MAX: usize = 16 * 1024;

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// The value of the body's first field when it is `_csrf`.
pub fn first_field(head: &[u8], boundary: &str) -> Option<String> {
    let end = format!("\r\n--{boundary}");
    let stop = head.windows(end.len()).position(|w| w == end.as_bytes())?;
    let text = std::str::from_utf8(&head[..stop]).ok()?;
    let rest = text.strip_prefix("--")?.strip_prefix(boundary)?.strip_prefix("\r\n")?;
    let (headers, value) = rest.split_once("\r\n\r\n")?;
    let named = headers.lines().any(|h| {
        let h = h.to_ascii_lowercase();
        h.starts_with("content-disposition:") && h.contains("form-data") && h.contains("name=\"_csrf\"")
    });
    named.then(|| value.to_owned())
}

/// Reads the body up to the end of its first field (at most [`PEEK_MAX`]
/// bytes): the `_csrf` found there, and the body to hand on.
pub async fn token(body: Body, boundary: &str) -> (Option<String>, Body) {
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    let end = format!("\r\n--{boundary}");
    let mut failed = None;
    while head.len() < PEEK_MAX && !head.windows(end.len()).any(|w| w == end.as_bytes()) {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
    }
    let sent = first_field(&head, boundary);
    let head = stream::iter([Ok::<Bytes, axum::Error>(Bytes::from(head))]);
    let body = match failed {
        Some(e) => Body::from_stream(head.chain(stream::iter([Err(e)]))),
        None => Body::from_stream(head.chain(stream)),
    };
    (sent, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "----x7";

    fn body(first: &str, value: &str) -> String {
        format!(
            "--{B}\r\nContent-Disposition: form-data; name=\"{first}\"\r\n\r\n{value}\r\n--{B}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nname\nweb-1\n\r\n--{B}--\r\n"
        )
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=----x7").as_deref(), Some(B));
        assert_eq!(boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"").as_deref(), Some("a b"));
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn only_a_first_field_named_csrf_counts() {
        assert_eq!(first_field(body("_csrf", "t0k3n").as_bytes(), B).as_deref(), Some("t0k3n"));
        assert_eq!(first_field(body("run", "t0k3n").as_bytes(), B), None);
        assert_eq!(first_field(body("_csrf_x", "t0k3n").as_bytes(), B), None);
        assert_eq!(first_field(body("_csrf", "t0k3n").as_bytes(), "other"), None);
        assert_eq!(first_field(b"", B), None);
    }

    #[tokio::test]
    async fn the_body_goes_on_whole() {
        let sent = body("_csrf", "t0k3n") + &"x".repeat(100_000);
        let chunks: Vec<Result<Bytes, std::io::Error>> =
            sent.as_bytes().chunks(7).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
        let (token, rest) = super::token(Body::from_stream(stream::iter(chunks)), B).await;
        assert_eq!(token.as_deref(), Some("t0k3n"));
        let back = axum::body::to_bytes(rest, usize::MAX).await.unwrap();
        assert_eq!(back, sent.as_bytes());
    }
}
