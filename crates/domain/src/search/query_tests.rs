use super::*;
use proptest::prelude::*;

const PREFIXES: &[&str] = &["INC", "PRB", "KB"];

fn q(input: &str) -> Query {
    parse(input, PREFIXES).unwrap_or_else(|e| panic!("{input:?}: {e}"))
}

fn word(token: &str, prefix: bool) -> Term {
    Term::Word { token: token.into(), prefix }
}

fn phrase(tokens: &[&str]) -> Term {
    Term::Phrase(tokens.iter().map(|t| (*t).to_owned()).collect())
}

fn num(prefix: Option<&str>, seq: i64) -> NumberRef {
    NumberRef { prefix: prefix.map(str::to_owned), seq }
}

#[test]
fn words_are_folded_and_the_last_is_a_prefix_while_typing() {
    assert_eq!(q("Żółty drukar").terms(), [word("zolty", false), word("drukar", true)]);
    assert_eq!(q("Żółty drukar ").terms(), [word("zolty", false), word("drukar", false)]);
    // Anything after the last word means it is finished.
    assert_eq!(q("drukarka,").terms(), [word("drukarka", false)]);
    assert_eq!(q("drukarka\t").terms(), [word("drukarka", false)]);
    // One or two characters are not a prefix.
    assert_eq!(q("printer x").terms(), [word("printer", false), word("x", false)]);
    assert_eq!(q("printer xy").terms(), [word("printer", false), word("xy", false)]);
    assert_eq!(q("printer xyz").terms(), [word("printer", false), word("xyz", true)]);
}

#[test]
fn phrases_keep_their_order_and_their_stop_words() {
    let query = q("\"printer jam\" tray");
    assert_eq!(query.terms(), [phrase(&["printer", "jam"]), word("tray", true)]);
    assert_eq!(q("„jam in the printer”").terms(), [phrase(&["jam", "in", "the", "printer"])]);
    assert_eq!(q("“Drukarka nie działa”").terms(), [phrase(&["drukarka", "nie", "dziala"])]);
    // A one-word phrase is a word matched whole; an empty one is nothing.
    assert_eq!(q("\"drukar\" \"\" toner ").terms(), [word("drukar", false), word("toner", false)]);
    // A phrase at the end is never a prefix.
    assert_eq!(q("toner \"paper tray\"").terms(), [word("toner", false), phrase(&["paper", "tray"])]);
}

#[test]
fn stop_words_next_to_other_words_are_left_out() {
    assert_eq!(q("the printer is jammed ").terms(), [word("printer", false), word("jammed", false)]);
    assert_eq!(q("drukarka w biurze się zacięła ").terms().len(), 3);
    // While typing, a stop word at the end may be the start of a word.
    assert_eq!(q("printer the").terms(), [word("printer", false), word("the", true)]);
    assert_eq!(q("a OR b").terms(), [word("b", false)]);
}

#[test]
fn record_numbers_are_found_with_the_configured_prefixes() {
    let query = q("INC0001127 inc1127 PRB12 kb0000042 ");
    assert_eq!(
        query.numbers(),
        [num(Some("INC"), 1127), num(Some("INC"), 1127), num(Some("PRB"), 12), num(Some("KB"), 42)]
    );
    // Searched as text in the form they are displayed in.
    assert_eq!(
        query.terms(),
        [word("inc0001127", false), word("inc0001127", false), word("prb0000012", false), word("kb0000042", false)]
    );
    assert_eq!(q("#1127 ").numbers(), [num(None, 1127)]);
    assert_eq!(q("#1127 ").terms(), [word("1127", false)]);
    assert_eq!(q("error 404 ").numbers(), [num(None, 404)]);
    // A prefix the configuration does not know is a word.
    assert_eq!(q("CHG12 ").numbers(), []);
    assert_eq!(q("CHG12 ").terms(), [word("chg12", false)]);
    // While typing, the number is named and matched as typed so far.
    let typing = q("INC00011");
    assert_eq!(typing.numbers(), [num(Some("INC"), 11)]);
    assert_eq!(typing.terms(), [word("inc00011", true)]);
    // Zero, too many digits and digits in phrases are no record numbers.
    for text in ["0 printer", "INC0 printer", "1234567890123 printer", "\"INC12 printer\""] {
        assert_eq!(q(text).numbers(), [], "{text}");
    }
    // Other prefixes, other configurations.
    let custom = parse("REQ7 ", &["req"]).unwrap();
    assert_eq!(custom.numbers(), [num(Some("req"), 7)]);
    assert_eq!(custom.terms(), [word("req0000007", false)]);
}

#[test]
fn a_number_alone_is_a_search() {
    assert_eq!(q("1").terms(), [word("1", false)]);
    assert_eq!(q("1").numbers(), [num(None, 1)]);
}

#[test]
fn too_long_is_refused_without_reading_it_all() {
    let at_limit = "a".repeat(MAX_CHARS);
    assert!(parse(&at_limit, PREFIXES).is_ok());
    let over = "ż".repeat(MAX_CHARS + 1);
    assert_eq!(parse(&over, PREFIXES), Err(QueryError::TooLong { max: 500 }));
    for big in ["x".repeat(10 * 1024), "\"a\" ".repeat(2_500_000)] {
        assert_eq!(parse(&big, PREFIXES), Err(QueryError::TooLong { max: 500 }));
    }
    // 500 characters of `"a" ` are within the limit and stop words only.
    assert_eq!(parse(&"\"a\" ".repeat(125), PREFIXES), Err(QueryError::StopWordsOnly));
}

#[test]
fn unbalanced_quotes_are_refused() {
    for text in ["\"printer", "a \"b\" \"c", "„drukarka", "\"", "printer\"jam"] {
        assert_eq!(parse(text, PREFIXES), Err(QueryError::UnbalancedQuotes), "{text}");
    }
}

#[test]
fn nothing_left_after_folding_is_refused() {
    for text in ["", "   ", "***", "()", "\"\"", "^:-+{}", "\0", "🖨️🔥", "Привет", "שלום", "\u{202e}\u{301}"]
    {
        assert_eq!(parse(text, PREFIXES), Err(QueryError::NothingToSearch), "{text:?}");
    }
}

#[test]
fn stop_words_alone_are_refused() {
    for text in ["the", "the and of ", "się że", "\"the\"", "\"w\" i z", "a OR the"] {
        assert_eq!(parse(text, PREFIXES), Err(QueryError::StopWordsOnly), "{text}");
    }
}

#[test]
fn errors_have_stable_codes_and_read_after_the_field_name() {
    let all = [
        QueryError::TooLong { max: 500 },
        QueryError::UnbalancedQuotes,
        QueryError::NothingToSearch,
        QueryError::StopWordsOnly,
    ];
    let codes: std::collections::BTreeSet<_> = all.iter().map(QueryError::code).collect();
    assert_eq!(codes.len(), all.len());
    assert_eq!(all[0].to_string(), "is too long: at most 500 characters");
}

#[test]
fn fts_syntax_typed_by_a_person_is_plain_text() {
    let cases: &[(&str, &str, &str)] = &[
        ("NEAR(printer jam)", r#""near" "printer" "jam""#, "near & printer & jam"),
        ("printer AND toner", r#""printer" "toner"*"#, "printer & toner:*"),
        ("printer NOT jam ", r#""printer" "jam""#, "printer & jam"),
        ("title:printer", r#""title" "printer"*"#, "title & printer:*"),
        ("^printer* -jam +tray", r#""printer" "jam" "tray"*"#, "printer & jam & tray:*"),
        ("(((printer", r#""printer"*"#, "printer:*"),
        ("{col1 col2}: x", r#""col1" "col2" "x""#, "col1 & col2 & x"),
        ("'; DROP TABLE x; --", r#""drop" "table" "x""#, "drop & table & x"),
        ("printer & jam | !tray <-> x:*", r#""printer" "jam" "tray" "x""#, "printer & jam & tray & x"),
    ];
    for (typed, fts5, tsq) in cases {
        let query = q(typed);
        assert_eq!(to_fts5(&query), *fts5, "{typed}");
        assert_eq!(to_tsquery(&query), *tsq, "{typed}");
    }
}

#[test]
fn renderers_write_phrases_and_prefixes() {
    let query = q("\"printer jam\" Łódź INC1127 drukar");
    assert_eq!(to_fts5(&query), r#""printer jam" "lodz" "inc0001127" "drukar"*"#);
    assert_eq!(to_tsquery(&query), "(printer <-> jam) & lodz & inc0001127 & drukar:*");
    assert_eq!(
        query.marks(),
        [
            Mark { token: "printer".into(), prefix: false },
            Mark { token: "jam".into(), prefix: false },
            Mark { token: "lodz".into(), prefix: false },
            Mark { token: "inc0001127".into(), prefix: false },
            Mark { token: "drukar".into(), prefix: true },
        ]
    );
}

#[test]
#[should_panic(expected = "not folded")]
fn a_token_that_is_not_folded_never_reaches_an_engine() {
    let forged = Query { terms: vec![word("a\" OR \"b", false)], numbers: vec![] };
    to_fts5(&forged);
}

proptest! {
    /// Whatever is typed, parsing answers (no panic), and what reaches an
    /// engine is built from nothing but tokens and the renderer's syntax.
    #[test]
    fn any_input_parses_or_is_refused_and_renders_safely(text in any::<String>()) {
        if let Ok(query) = parse(&text, PREFIXES) {
            prop_assert!(!query.terms().is_empty());
            let fts5 = to_fts5(&query);
            prop_assert!(fts5.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b" \"*".contains(&b)), "{}", fts5);
            let tsq = to_tsquery(&query);
            prop_assert!(tsq.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b" &()<->:*".contains(&b)), "{}", tsq);
        }
    }

    #[test]
    fn syntax_soup_never_panics(text in r#"[a-zA-Z0-9 "„”*^:()+\-{}&|!<>.,;'\\]{0,80}"#) {
        let _ = parse(&text, PREFIXES).map(|q| (to_fts5(&q), to_tsquery(&q)));
    }
}
