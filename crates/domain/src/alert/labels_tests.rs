use super::*;
use proptest::prelude::*;

fn set(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().copied().collect()
}

/// Known pairs from prometheus/common `model/signature_test.go` and from
/// Alertmanager 0.25's own tests (`api/v2/api_test.go`,
/// `template/template_test.go`).
#[test]
fn fingerprints_are_alertmanagers() {
    let known: &[(&[(&str, &str)], u64)] = &[
        (&[], 14_695_981_039_346_656_037),
        (&[("name", "garland, briggs"), ("fear", "love is not enough")], 5_799_056_148_416_392_346),
        (&[("first-label", "first-label-value")], 5_146_282_821_936_882_169),
        (&[("first-label", "first-label-value"), ("second-label", "second-label-value")], 3_195_800_080_984_914_717),
        (
            &[
                ("first-label", "first-label-value"),
                ("second-label", "second-label-value"),
                ("third-label", "third-label-value"),
            ],
            13_843_036_195_897_128_121,
        ),
    ];
    for (pairs, fp) in known {
        assert_eq!(set(pairs).fingerprint(), *fp, "{pairs:?}");
    }
    let hex: &[(&[(&str, &str)], &str)] = &[
        (&[("severity", "critical"), ("alertname", "alert1")], "0223b772b51c29e1"),
        (&[("severity", "warning"), ("job", "foo")], "9266ef3da838ad95"),
        (&[("severity", "critical"), ("job", "foo")], "3b15fd163d36582e"),
        (&[("severity", "critical"), ("job", "bar")], "c7e68cb08e3e67f9"),
    ];
    for (pairs, text) in hex {
        let fp = set(pairs).fingerprint();
        assert_eq!(fingerprint_text(fp), *text, "{pairs:?}");
        assert_eq!(parse_fingerprint(text), Ok(fp));
    }
}

#[test]
fn the_separator_keeps_names_and_values_apart() {
    assert_ne!(set(&[("a", "bc")]).fingerprint(), set(&[("ab", "c")]).fingerprint());
    assert_ne!(set(&[("a", "b"), ("c", "d")]).fingerprint(), set(&[("a", "b\u{ff}c")]).fingerprint());
}

#[test]
fn fingerprint_text_is_sixteen_hex_digits_and_parses_as_go_does() {
    assert_eq!(fingerprint_text(1), "0000000000000001");
    assert_eq!(parse_fingerprint("1"), Ok(1));
    assert_eq!(parse_fingerprint("ABCDEF0123456789"), Ok(0xabcd_ef01_2345_6789));
    assert_eq!(parse_fingerprint("ffffffffffffffff"), Ok(u64::MAX));
    for bad in ["", "+1", "0x1", "g", "1_0", "10000000000000000", " 1"] {
        let e = parse_fingerprint(bad).err();
        assert_eq!(e.as_ref().map(|m| m.code), Some(Code::NotFingerprint), "{bad:?}");
    }
    assert_eq!(
        parse_fingerprint("xyz").err().map(|m| m.text),
        Some("\"xyz\" is not a fingerprint: 1 to 16 hexadecimal digits".into())
    );
}

#[test]
fn label_names_follow_the_classic_rule() {
    for good in ["a", "_", "alertname", "A_1", "__name__", "_9"] {
        assert!(is_valid_label_name(good), "{good}");
    }
    for bad in ["", "1a", "a-b", "a.b", "a:b", "é", "a b"] {
        assert!(!is_valid_label_name(bad), "{bad}");
    }
}

#[test]
fn validate_names_each_bad_label_and_wants_one() {
    let problems = set(&[("ok", "1"), ("bad-name", "x"), ("9lives", "y")]).validate();
    let fields: Vec<(&str, Code)> = problems.iter().map(|(f, m)| (f.as_str(), m.code)).collect();
    assert_eq!(fields, [("labels.9lives", Code::InvalidLabelName), ("labels.bad-name", Code::InvalidLabelName)]);
    assert_eq!(
        problems[1].1.text,
        "\"bad-name\" is not a valid label name: letters, digits and _, not starting with a digit"
    );
    let empty = Labels::new().validate();
    assert_eq!(empty.len(), 1);
    assert_eq!((empty[0].0.as_str(), empty[0].1.code), ("labels", Code::NoLabels));
    assert_eq!(empty[0].1, "an alert needs at least one label with a value");
    assert!(set(&[("alertname", "Up")]).validate().is_empty());
    assert_eq!(set(&[("a-b", "1")]).validate_names("annotations")[0].0, "annotations.a-b");
}

/// Alertmanager drops empty values before checking and hashing: an alert
/// with only empty values has no labels, and `a=""` is no `a` at all.
#[test]
fn empty_values_are_dropped_as_alertmanager_does() {
    let mut l = set(&[("alertname", "Up"), ("instance", "")]);
    l.remove_empty();
    assert_eq!(l, set(&[("alertname", "Up")]));
    let mut only_empty = set(&[("a", "")]);
    only_empty.remove_empty();
    assert_eq!(only_empty.validate()[0].1.code, Code::NoLabels);
}

#[test]
fn missing_labels_read_as_empty_and_only_picks_present_ones() {
    let l = set(&[("a", "1"), ("b", "2")]);
    assert_eq!(l.get("a"), "1");
    assert_eq!(l.get("zzz"), "");
    assert_eq!(l.only(["b", "c"]), set(&[("b", "2")]));
    assert_eq!(l.to_string(), r#"{a="1", b="2"}"#);
}

#[test]
fn serde_is_a_plain_object() {
    let l: Labels = serde_json::from_str(r#"{"b":"2","a":"1"}"#).unwrap_or_default();
    assert_eq!(l, set(&[("a", "1"), ("b", "2")]));
    assert_eq!(serde_json::to_string(&l).ok().as_deref(), Some(r#"{"a":"1","b":"2"}"#));
}

/// FNV-1a 64 written out the textbook way over the same bytes.
fn reference_fnv(l: &Labels) -> u64 {
    let mut bytes = Vec::new();
    for (k, v) in l.iter() {
        bytes.extend_from_slice(k.as_bytes());
        bytes.push(0xff);
        bytes.extend_from_slice(v.as_bytes());
        bytes.push(0xff);
    }
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

proptest! {
    #[test]
    fn fingerprint_is_fnv1a_over_sorted_pairs(pairs in proptest::collection::vec(("[a-z_]{1,6}", ".{0,8}"), 0..6)) {
        let forward: Labels = pairs.iter().cloned().collect();
        let backward: Labels = pairs.iter().rev().cloned().collect();
        // Later duplicates win in each order, so compare only when names are unique.
        let unique = pairs.iter().map(|(k, _)| k).collect::<std::collections::HashSet<_>>().len() == pairs.len();
        if unique {
            prop_assert_eq!(forward.fingerprint(), backward.fingerprint());
        }
        prop_assert_eq!(forward.fingerprint(), reference_fnv(&forward));
        prop_assert_eq!(parse_fingerprint(&fingerprint_text(forward.fingerprint())), Ok(forward.fingerprint()));
    }
}

proptest! {
    /// A pair's key in the label index is the fingerprint of the set that
    /// holds that label alone, so `a=bc` and `ab=c` differ.
    #[test]
    fn pair_key_is_the_one_label_fingerprint(name in "[a-z_]{1,6}", value in ".{1,8}") {
        let one = set(&[(name.as_str(), value.as_str())]);
        prop_assert_eq!(pair_key(&name, &value), one.fingerprint());
        prop_assert_eq!(pair_key(&name, &value), reference_fnv(&one));
    }
}

#[test]
fn pair_keys_keep_name_and_value_apart() {
    assert_ne!(pair_key("a", "bc"), pair_key("ab", "c"));
}
