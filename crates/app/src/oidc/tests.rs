//! ID tokens made and signed here (ES256 keys from ring), checked as a
//! provider's would be; and the mapping of claims to a profile.

use super::jwt::{self, Expected, Jwk, PublicKey, Refusal};
use super::{OidcConfig, OidcError, profile};
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use steward_domain::Role;

const NOW: i64 = 1_800_000_000;

fn enc(v: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v)
}

struct Signer {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

impl Signer {
    fn new() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        Signer { pair, rng }
    }

    fn jwk(&self, kid: &str) -> Jwk {
        Jwk { kid: Some(kid.into()), alg: None, key: PublicKey::P256(self.pair.public_key().as_ref().to_vec()) }
    }

    /// The JWKS entry as a provider publishes it.
    fn jwks(&self, kid: &str) -> Value {
        let point = self.pair.public_key().as_ref();
        json!({"keys": [
            {"kty": "EC", "crv": "P-256", "kid": kid, "use": "sig", "x": enc(&point[1..33]), "y": enc(&point[33..])},
            {"kty": "EC", "crv": "P-256", "kid": "enc", "use": "enc", "x": enc(&point[1..33]), "y": enc(&point[33..])},
            {"kty": "oct", "k": "c2VjcmV0"}
        ]})
    }

    fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", enc(header.to_string().as_bytes()), enc(claims.to_string().as_bytes()));
        let sig = self.pair.sign(&self.rng, input.as_bytes()).unwrap();
        format!("{input}.{}", enc(sig.as_ref()))
    }
}

fn claims() -> Value {
    json!({"iss": "https://id.example.com", "sub": "u1", "aud": "steward", "exp": NOW + 300, "iat": NOW - 5,
           "nonce": "n-1"})
}

fn want() -> Expected<'static> {
    Expected { issuer: "https://id.example.com", client_id: "steward", nonce: "n-1", now: NOW }
}

fn header() -> Value {
    json!({"alg": "ES256", "kid": "k1", "typ": "JWT"})
}

fn refusal(r: Result<serde_json::Map<String, Value>, Refusal>) -> String {
    match r {
        Err(Refusal::Bad(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_good_token_passes_and_the_jwks_keeps_signing_keys_only() {
    let s = Signer::new();
    let keys = jwt::parse_jwks(&s.jwks("k1")).unwrap();
    assert_eq!(keys.len(), 1, "encryption and symmetric keys are left out");
    let c = jwt::verify(&s.sign(&header(), &claims()), &keys, &want()).unwrap();
    assert_eq!(c["sub"], "u1");
    // A list of audiences with azp naming us passes too.
    let mut many = claims();
    many["aud"] = json!(["steward", "other"]);
    many["azp"] = json!("steward");
    jwt::verify(&s.sign(&header(), &many), &keys, &want()).unwrap();
}

#[test]
fn a_wrong_signature_is_refused() {
    let (s, other) = (Signer::new(), Signer::new());
    let token = other.sign(&header(), &claims());
    assert!(refusal(jwt::verify(&token, &[s.jwk("k1")], &want())).contains("signature does not match"));
    // Claims changed after signing.
    let good = s.sign(&header(), &claims());
    let mut parts: Vec<&str> = good.split('.').collect();
    let mut forged = claims();
    forged["sub"] = json!("admin");
    let body = enc(forged.to_string().as_bytes());
    parts[1] = &body;
    assert!(refusal(jwt::verify(&parts.join("."), &[s.jwk("k1")], &want())).contains("signature"));
}

#[test]
fn alg_none_and_hmac_are_refused() {
    let s = Signer::new();
    let body = enc(claims().to_string().as_bytes());
    let none = format!("{}.{body}.", enc(br#"{"alg":"none"}"#));
    assert!(refusal(jwt::verify(&none, &[s.jwk("k1")], &want())).contains("alg none"));
    // HS256 "signed" with the public key as the secret: refused by name.
    let hs = format!("{}.{body}.{}", enc(br#"{"alg":"HS256","kid":"k1"}"#), enc(b"whatever"));
    assert!(refusal(jwt::verify(&hs, &[s.jwk("k1")], &want())).contains("\"HS256\" is not accepted"));
    assert!(refusal(jwt::verify("a.b", &[s.jwk("k1")], &want())).contains("three parts"));
}

#[test]
fn wrong_audience_issuer_and_azp_are_refused() {
    let s = Signer::new();
    let keys = [s.jwk("k1")];
    let mut c = claims();
    c["aud"] = json!("someone-else");
    assert!(refusal(jwt::verify(&s.sign(&header(), &c), &keys, &want())).contains("not for this client"));
    let mut c = claims();
    c["iss"] = json!("https://evil.example.com");
    assert!(refusal(jwt::verify(&s.sign(&header(), &c), &keys, &want())).contains("issuer"));
    let mut c = claims();
    c["aud"] = json!(["steward", "other"]);
    c["azp"] = json!("other");
    assert!(refusal(jwt::verify(&s.sign(&header(), &c), &keys, &want())).contains("azp"));
}

#[test]
fn expiry_and_issue_time_have_a_small_leeway() {
    let s = Signer::new();
    let keys = [s.jwk("k1")];
    let mut c = claims();
    c["exp"] = json!(NOW - jwt::LEEWAY_SECS + 1);
    jwt::verify(&s.sign(&header(), &c), &keys, &want()).unwrap();
    c["exp"] = json!(NOW - jwt::LEEWAY_SECS - 1);
    assert!(refusal(jwt::verify(&s.sign(&header(), &c), &keys, &want())).contains("expired"));
    let mut c = claims();
    c["iat"] = json!(NOW + jwt::LEEWAY_SECS + 10);
    assert!(refusal(jwt::verify(&s.sign(&header(), &c), &keys, &want())).contains("future"));
    let mut c = claims();
    c.as_object_mut().unwrap().remove("exp");
    assert!(refusal(jwt::verify(&s.sign(&header(), &c), &keys, &want())).contains("no expiry"));
}

#[test]
fn a_wrong_or_missing_nonce_is_refused() {
    let s = Signer::new();
    let keys = [s.jwk("k1")];
    let mut c = claims();
    c["nonce"] = json!("n-2");
    assert!(refusal(jwt::verify(&s.sign(&header(), &c), &keys, &want())).contains("nonce"));
    c.as_object_mut().unwrap().remove("nonce");
    assert!(refusal(jwt::verify(&s.sign(&header(), &c), &keys, &want())).contains("nonce"));
}

#[test]
fn an_unknown_kid_asks_for_the_keys_again() {
    let s = Signer::new();
    let mut h = header();
    h["kid"] = json!("rotated");
    let r = jwt::verify(&s.sign(&h, &claims()), &[s.jwk("k1")], &want());
    assert_eq!(r.unwrap_err(), Refusal::UnknownKey("kid \"rotated\"".into()));
    // An RSA key does not verify an ES256 token, whatever its kid.
    let rsa = Jwk { kid: Some("k1".into()), alg: None, key: PublicKey::Rsa { n: vec![1; 256], e: vec![1, 0, 1] } };
    assert!(matches!(jwt::verify(&s.sign(&header(), &claims()), &[rsa], &want()), Err(Refusal::UnknownKey(_))));
}

fn config() -> OidcConfig {
    let mut c =
        OidcConfig::new("https://id.example.com/", "steward", "s", "https://desk.example.com/auth/oidc/callback");
    c.roles = vec![("staff".into(), Role::Agent), ("it-admins".into(), Role::Admin), ("all".into(), Role::Requester)];
    c.groups = vec![("staff".into(), "Service Desk".into()), ("net".into(), "Network".into())];
    c
}

#[test]
fn claims_map_to_the_highest_role_and_the_groups() {
    let cfg = config();
    assert_eq!(cfg.issuer, "https://id.example.com", "a trailing slash is dropped");
    let claims = json!({"preferred_username": "ann", "name": "Ann Smith", "email": "ann@example.com",
                        "groups": ["all", "it-admins", "staff"]});
    let p = profile(&cfg, claims.as_object().unwrap(), "u1").unwrap();
    assert_eq!((p.role, p.username.as_str(), p.display_name.as_str()), (Role::Admin, "ann", "Ann Smith"));
    assert_eq!(p.subject, "https://id.example.com u1");
    assert_eq!(p.groups, ["Service Desk"]);
    assert_eq!(p.managed_groups, ["Network", "Service Desk"]);
}

#[test]
fn no_mapped_group_and_no_default_role_is_refused_and_a_missing_name_too() {
    let mut cfg = config();
    let claims = json!({"preferred_username": "bob", "groups": ["visitors"]});
    assert_eq!(profile(&cfg, claims.as_object().unwrap(), "u2").unwrap_err(), OidcError::NoRole);
    cfg.default_role = Some(Role::Requester);
    let p = profile(&cfg, claims.as_object().unwrap(), "u2").unwrap();
    assert_eq!((p.role, p.display_name.as_str(), p.email), (Role::Requester, "bob", None));
    let nameless = json!({"sub": "u3", "groups": ["staff"]});
    assert_eq!(
        profile(&cfg, nameless.as_object().unwrap(), "u3").unwrap_err(),
        OidcError::Claim("preferred_username".into())
    );
}
