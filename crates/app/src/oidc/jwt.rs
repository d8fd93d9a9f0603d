//! ID tokens (signed JWTs, RFC 7515/7519) checked as OpenID Connect Core
//! §3.1.3.7 asks: the signature against the provider's published keys
//! (RS256, PS256, ES256; never `none`, never HMAC, since a public key is no
//! secret), then `iss`, `aud` (and `azp` when there are several audiences),
//! `exp` and `iat` with [`LEEWAY_SECS`], and the `nonce` sent with the
//! request. Signatures are verified with `ring`, already compiled for rustls.

use base64::Engine;
use serde_json::{Map, Value};

/// How far the provider's clock may be from ours.
pub const LEEWAY_SECS: i64 = 60;

/// A key from the provider's JWKS document (RFC 7517).
#[derive(Debug, Clone)]
pub struct Jwk {
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub key: PublicKey,
}

#[derive(Debug, Clone)]
pub enum PublicKey {
    /// Big-endian modulus and exponent.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// An uncompressed P-256 point (0x04, x, y).
    P256(Vec<u8>),
}

fn b64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

/// The signing keys of a JWKS document; keys of other kinds or uses
/// (encryption) are left out.
pub fn parse_jwks(doc: &Value) -> Result<Vec<Jwk>, String> {
    let keys = doc.get("keys").and_then(Value::as_array).ok_or("the JWKS document has no \"keys\" list")?;
    let text = |k: &Value, f: &str| k.get(f).and_then(Value::as_str).map(str::to_owned);
    let mut out = Vec::new();
    for k in keys {
        if text(k, "use").is_some_and(|u| u != "sig") {
            continue;
        }
        let key = match text(k, "kty").as_deref() {
            Some("RSA") => match (text(k, "n").and_then(|n| b64(&n)), text(k, "e").and_then(|e| b64(&e))) {
                (Some(n), Some(e)) => PublicKey::Rsa { n, e },
                _ => continue,
            },
            Some("EC") if text(k, "crv").as_deref() == Some("P-256") => {
                match (text(k, "x").and_then(|x| b64(&x)), text(k, "y").and_then(|y| b64(&y))) {
                    (Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
                        let mut point = vec![4u8];
                        point.extend(x);
                        point.extend(y);
                        PublicKey::P256(point)
                    }
                    _ => continue,
                }
            }
            _ => continue,
        };
        out.push(Jwk { kid: text(k, "kid"), alg: text(k, "alg"), key });
    }
    Ok(out)
}

/// Why a token was refused; `UnknownKey` is worth fetching the keys again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownKey(String),
    Bad(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::UnknownKey(kid) => {
                write!(f, "the ID token is signed with a key the provider does not publish ({kid})")
            }
            Refusal::Bad(why) => f.write_str(why),
        }
    }
}

fn bad(why: impl Into<String>) -> Refusal {
    Refusal::Bad(why.into())
}

/// What the ID token must say.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// Seconds since the epoch.
    pub now: i64,
}

/// The ID token's claims, once its signature and claims check out.
pub fn verify(token: &str, keys: &[Jwk], want: &Expected<'_>) -> Result<Map<String, Value>, Refusal> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad("the ID token is not a signed JWT (three parts)"));
    };
    let header: Value = b64(h)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| bad("the ID token's header is not base64url JSON"))?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let kid = header.get("kid").and_then(Value::as_str);
    let algorithm: &'static dyn ring::signature::VerificationAlgorithm = match alg {
        "RS256" => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        "PS256" => &ring::signature::RSA_PSS_2048_8192_SHA256,
        "ES256" => &ring::signature::ECDSA_P256_SHA256_FIXED,
        "" | "none" => return Err(bad("the ID token is not signed (alg none)")),
        other => return Err(bad(format!("the ID token's algorithm {other:?} is not accepted (RS256, PS256, ES256)"))),
    };
    let fits = |k: &&Jwk| {
        let kind = matches!((&k.key, alg), (PublicKey::Rsa { .. }, "RS256" | "PS256") | (PublicKey::P256(_), "ES256"));
        kind && k.alg.as_deref().is_none_or(|a| a == alg) && (kid.is_none() || k.kid.as_deref() == kid)
    };
    let candidates: Vec<&Jwk> = keys.iter().filter(fits).collect();
    if candidates.is_empty() {
        return Err(Refusal::UnknownKey(kid.map_or_else(|| format!("no {alg} key"), |k| format!("kid {k:?}"))));
    }
    let signature = b64(s).ok_or_else(|| bad("the ID token's signature is not base64url"))?;
    let signed = &token.as_bytes()[..h.len() + 1 + p.len()];
    let good = candidates.iter().any(|k| match &k.key {
        PublicKey::Rsa { n, e } => {
            let params = match alg {
                "PS256" => &ring::signature::RSA_PSS_2048_8192_SHA256,
                _ => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            };
            ring::signature::RsaPublicKeyComponents { n, e }.verify(params, signed, &signature).is_ok()
        }
        PublicKey::P256(point) => {
            ring::signature::UnparsedPublicKey::new(algorithm, point).verify(signed, &signature).is_ok()
        }
    });
    if !good {
        return Err(bad("the ID token's signature does not match the provider's key"));
    }
    let claims: Map<String, Value> = b64(p)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| bad("the ID token's claims are not base64url JSON"))?;
    check_claims(&claims, want)?;
    Ok(claims)
}

fn check_claims(c: &Map<String, Value>, want: &Expected<'_>) -> Result<(), Refusal> {
    let text = |k: &str| c.get(k).and_then(Value::as_str);
    let number = |k: &str| c.get(k).and_then(Value::as_f64).map(|f| f as i64);
    if text("iss").map(|i| i.trim_end_matches('/')) != Some(want.issuer.trim_end_matches('/')) {
        return Err(bad(format!("the ID token's issuer {:?} is not {:?}", text("iss").unwrap_or(""), want.issuer)));
    }
    if text("sub").is_none_or(str::is_empty) {
        return Err(bad("the ID token names no subject (sub)"));
    }
    let audiences: Vec<&str> = match c.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&want.client_id) {
        return Err(bad(format!("the ID token is for {audiences:?}, not for this client ({})", want.client_id)));
    }
    if (audiences.len() > 1 || c.contains_key("azp")) && text("azp") != Some(want.client_id) {
        return Err(bad(format!("the ID token's authorized party (azp) is {:?}, not this client", text("azp"))));
    }
    let exp = number("exp").ok_or_else(|| bad("the ID token has no expiry (exp)"))?;
    if exp + LEEWAY_SECS < want.now {
        return Err(bad(format!("the ID token expired {} s ago", want.now - exp)));
    }
    let iat = number("iat").ok_or_else(|| bad("the ID token has no issue time (iat)"))?;
    if iat - LEEWAY_SECS > want.now {
        return Err(bad(format!("the ID token is issued {} s in the future (clocks apart?)", iat - want.now)));
    }
    if text("nonce") != Some(want.nonce) {
        return Err(bad("the ID token's nonce is not the one this sign-in sent (a replayed token?)"));
    }
    Ok(())
}
