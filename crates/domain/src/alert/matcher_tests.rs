use super::*;
use proptest::prelude::*;

fn m(name: &str, op: MatchOp, value: &str) -> Matcher {
    Matcher::new(name, op, value).unwrap_or_else(|e| panic!("{e}"))
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().copied().collect()
}

fn parsed(text: &str) -> Vec<(String, MatchOp, String)> {
    match parse_matchers(text) {
        Ok(ms) => ms.0.into_iter().map(|m| (m.name, m.op, m.value)).collect(),
        Err(e) => panic!("{text:?}: {e}"),
    }
}

fn t(name: &str, op: MatchOp, value: &str) -> (String, MatchOp, String) {
    (name.into(), op, value.into())
}

use MatchOp::*;

#[test]
fn the_four_operators() {
    let l = labels(&[("job", "api"), ("env", "prod")]);
    assert!(m("job", Equal, "api").matches(&l));
    assert!(!m("job", NotEqual, "api").matches(&l));
    assert!(m("job", Regex, "a.*").matches(&l));
    assert!(!m("job", NotRegex, "a.*").matches(&l));
    // Anchored: a regex matches the whole value, never a part of it.
    assert!(!m("job", Regex, "p").matches(&l));
    assert!(m("job", Regex, "api|web").matches(&l));
    assert!(!m("job", Regex, "ap").matches(&l));
}

#[test]
fn a_missing_label_is_the_empty_string() {
    let l = labels(&[("job", "api")]);
    assert!(m("team", Equal, "").matches(&l));
    assert!(m("team", NotEqual, "x").matches(&l));
    assert!(m("team", Regex, ".*").matches(&l));
    assert!(!m("team", Regex, ".+").matches(&l));
    assert!(m("team", NotRegex, ".+").matches(&l));
}

#[test]
fn matchers_all_must_pass() {
    let l = labels(&[("job", "api"), ("env", "prod")]);
    let ms = Matchers(vec![m("job", Equal, "api"), m("env", Regex, "prod|staging")]);
    assert!(ms.matches(&l));
    assert!(!Matchers(vec![m("job", Equal, "api"), m("env", Equal, "dev")]).matches(&l));
    assert!(Matchers::default().matches(&l), "no matcher passes all");
}

/// The forms amtool and Alertmanager's own tests send
/// (`pkg/labels/parse_test.go`).
#[test]
fn parses_alertmanagers_text_forms() {
    assert_eq!(parsed(r#"{foo="bar"}"#), [t("foo", Equal, "bar")]);
    assert_eq!(parsed(r#"{foo=~"bar.*"}"#), [t("foo", Regex, "bar.*")]);
    assert_eq!(parsed(r#"{foo!="bar"}"#), [t("foo", NotEqual, "bar")]);
    assert_eq!(parsed(r#"{foo!~"bar.*"}"#), [t("foo", NotRegex, "bar.*")]);
    assert_eq!(parsed(r#"{foo="bar", baz!="quux"}"#), [t("foo", Equal, "bar"), t("baz", NotEqual, "quux")]);
    assert_eq!(parsed(r#"{foo="bar",baz=~"x.*"}"#), [t("foo", Equal, "bar"), t("baz", Regex, "x.*")]);
    assert_eq!(parsed("foo=bar,dings!=bums"), [t("foo", Equal, "bar"), t("dings", NotEqual, "bums")]);
    assert_eq!(parsed("foo=bar, dings!=bums"), [t("foo", Equal, "bar"), t("dings", NotEqual, "bums")]);
    assert_eq!(parsed(r#"{foo = "bar", dings != "bums", }"#), [t("foo", Equal, "bar"), t("dings", NotEqual, "bums")]);
    assert_eq!(parsed("alertname=Up"), [t("alertname", Equal, "Up")]);
    assert_eq!(parsed(r#"statuscode=~"5..""#), [t("statuscode", Regex, "5..")]);
    assert_eq!(parsed(r#"{foo="bar}"}"#), [t("foo", Equal, "bar}")]);
    assert_eq!(parsed(r#"{foo="bar,quux", job="job1"}"#), [t("foo", Equal, "bar,quux"), t("job", Equal, "job1")]);
    assert_eq!(
        parsed(r#"{quote="She said: \"Hi, ladies! That's gender-neutral…\""}"#),
        [t("quote", Equal, "She said: \"Hi, ladies! That's gender-neutral…\"")]
    );
    assert_eq!(parsed(r#"foo=~"a\\b""#), [t("foo", Regex, r"a\b")]);
    assert_eq!(parsed(r#"foo="line\nbreak""#), [t("foo", Equal, "line\nbreak")]);
    // A spurious escape keeps its backslash; so does a final one.
    assert_eq!(parsed(r#"foo="\d+""#), [t("foo", Equal, r"\d+")]);
    assert_eq!(parsed(r"foo=bar\"), [t("foo", Equal, r"bar\")]);
    // `=~` before `=`, and the value may start with `=`.
    assert_eq!(parsed("foo==bar"), [t("foo", Equal, "=bar")]);
    assert_eq!(parsed("foo:bar=1"), [t("foo:bar", Equal, "1")]);
    assert_eq!(parsed(r#"foo="""#), [t("foo", Equal, "")]);
    assert_eq!(parsed("foo="), [t("foo", Equal, "")]);
    assert_eq!(parsed(""), []);
    assert_eq!(parsed("{}"), []);
}

#[test]
fn bad_matcher_texts_are_refused_naming_them() {
    for bad in ["foo", "=bar", "1foo=bar", "foo bar=baz", "foo=bar,,baz=1", "{foo~bar}", "-foo=1"] {
        let e = parse_matchers(bad).err();
        assert_eq!(e.as_ref().map(|e| e.code), Some(Code::BadMatcher), "{bad:?}");
    }
    let e = parse_matcher("foo").err().map(|e| (e.text, e.params));
    assert_eq!(
        e,
        Some(("\"foo\" is not a matcher: name, one of = != =~ !~, value".into(), vec![("matcher", "foo".to_owned())]))
    );
    for bad in [r#"foo="bar"baz""#, r#"foo=ba"r"#, r#"foo="bar"#, r#"foo=""#, r#"foo=bar""#] {
        let e = parse_matcher(bad).err();
        assert_eq!(e.as_ref().map(|e| e.code), Some(Code::MatcherQuote), "{bad:?}");
    }
}

#[test]
fn an_invalid_regex_is_refused_naming_the_matcher() {
    let e = parse_matchers(r#"{job="api",instance=~"web-(1"}"#).err();
    let e = e.unwrap_or_else(|| panic!("accepted"));
    assert_eq!(e.code, Code::InvalidRegex);
    assert_eq!(e.params[0], ("matcher", r#"instance=~"web-(1""#.to_owned()));
    assert!(e.text.starts_with(r#"instance=~"web-(1": invalid regular expression: "#), "{}", e.text);
    assert!(!e.text.contains('\n'), "one line: {}", e.text);
    assert_eq!(Matcher::new("a", NotRegex, "[").err().map(|e| e.code), Some(Code::InvalidRegex));
    // Equality matchers take any text.
    assert!(Matcher::new("a", Equal, "[").is_ok());
}

#[test]
fn matches_empty_is_alertmanagers_rule() {
    assert!(m("a", Equal, "").matches_empty());
    assert!(m("a", Regex, ".*").matches_empty());
    assert!(m("a", Regex, "x|").matches_empty());
    assert!(!m("a", Equal, "x").matches_empty());
    assert!(!m("a", Regex, ".+").matches_empty());
    // Negative matchers never count, whatever they would do.
    assert!(!m("a", NotEqual, "x").matches_empty());
    assert!(!m("a", NotRegex, "x").matches_empty());
}

#[test]
fn the_api_json_matcher() {
    let read = |json: &str| -> Matcher {
        let a: ApiMatcher = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        a.to_matcher().unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(read(r#"{"name":"a","value":"1","isRegex":false}"#), m("a", Equal, "1"));
    assert_eq!(read(r#"{"name":"a","value":"1","isRegex":false,"isEqual":false}"#), m("a", NotEqual, "1"));
    assert_eq!(read(r#"{"name":"a","value":"1.*","isRegex":true}"#), m("a", Regex, "1.*"));
    assert_eq!(read(r#"{"name":"a","value":"1.*","isRegex":true,"isEqual":false}"#), m("a", NotRegex, "1.*"));
    assert!(serde_json::from_str::<ApiMatcher>(r#"{"name":"a","value":"1"}"#).is_err(), "isRegex is required");
    let bad: ApiMatcher = ApiMatcher { name: "a".into(), value: "(".into(), is_regex: true, is_equal: true };
    assert_eq!(bad.to_matcher().err().map(|e| e.code), Some(Code::InvalidRegex));
    for op in MatchOp::ALL {
        let x = m("n", op, "v");
        assert_eq!(ApiMatcher::from(&x).to_matcher().ok(), Some(x.clone()));
    }
    let out = serde_json::to_value(ApiMatcher::from(&m("a", NotRegex, "x"))).ok();
    assert_eq!(out, Some(serde_json::json!({"name": "a", "value": "x", "isRegex": true, "isEqual": false})));
}

#[test]
fn display_is_the_text_form() {
    let ms = Matchers(vec![m("a", Equal, "x\"y\\z\nw"), m("b", NotRegex, "c.*")]);
    assert_eq!(ms.to_string(), r#"{a="x\"y\\z\nw",b!~"c.*"}"#);
}

fn op() -> impl Strategy<Value = MatchOp> {
    proptest::sample::select(MatchOp::ALL.to_vec())
}

proptest! {
    /// Whatever the value, printing a list and parsing it back gives it again.
    #[test]
    fn printing_then_parsing_round_trips(
        list in proptest::collection::vec(("[a-zA-Z_:][a-zA-Z0-9_:]{0,5}", op(), "(?s).{0,12}"), 0..4)
    ) {
        let ms: Vec<Matcher> = list
            .iter()
            .filter_map(|(n, o, v)| Matcher::new(n.clone(), *o, v.clone()).ok())
            .collect();
        let ms = Matchers(ms);
        let back = parse_matchers(&ms.to_string());
        prop_assert_eq!(back.as_ref().ok(), Some(&ms), "{}", ms);
    }

    /// The parser never panics, whatever it is given.
    #[test]
    fn parsing_anything_answers(text in "(?s).{0,40}") {
        let _ = parse_matchers(&text);
    }

    /// A negated operator is the exact opposite of its positive one.
    #[test]
    fn negation_is_the_opposite(value in "[a-c]{0,3}", pattern in "[a-c.*|]{0,4}") {
        let l = labels(&[("x", value.as_str())]);
        prop_assert_ne!(m("x", Equal, &pattern).matches(&l), m("x", NotEqual, &pattern).matches(&l));
        if let (Ok(re), Ok(nre)) = (Matcher::new("x", Regex, pattern.clone()), Matcher::new("x", NotRegex, pattern.clone())) {
            prop_assert_ne!(re.matches(&l), nre.matches(&l));
        }
    }
}
