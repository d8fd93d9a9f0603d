use super::*;
use crate::search::query::parse;
use proptest::prelude::*;

fn marks(q: &str) -> Vec<Mark> {
    parse(q, &["INC"]).unwrap().marks()
}

/// The snippet as text with matches in brackets, and `…` where cut.
fn show(s: &Snippet<'_>) -> String {
    let mut out = String::new();
    if s.cut_before {
        out.push('…');
    }
    for seg in &s.segments {
        if seg.matched {
            out.push_str(&format!("[{}]", seg.text));
        } else {
            out.push_str(seg.text);
        }
    }
    if s.cut_after {
        out.push('…');
    }
    out
}

#[test]
fn matches_on_folded_words_and_returns_the_original_text() {
    let text = "Żółty toner w drukarce na 2. piętrze (Łódź).";
    let s = snippet(text, &marks("zolty lodz "), 200);
    assert_eq!(show(&s), "[Żółty] toner w drukarce na 2. piętrze ([Łódź]).");
    assert_eq!(s.segments.iter().filter(|seg| seg.matched).count(), 2);
}

#[test]
fn a_character_that_folds_to_several_words_is_marked_once() {
    // Fuzzing found `¼` (NFKD `1⁄4`: two words on one span) made a
    // backwards slice and a panic.
    assert_eq!(show(&snippet("\u{bc}", &marks("\u{bc}"), 200)), "[\u{bc}]");
    assert_eq!(show(&snippet("Take ¼ cup", &marks("1 4 cup"), 200)), "Take [¼] [cup]");
}

#[test]
fn a_prefix_marks_the_words_it_begins() {
    let text = "Drukarka drukuje puste strony; drukarki w biurze też.";
    assert_eq!(
        show(&snippet(text, &marks("drukark"), 200)),
        "[Drukarka] drukuje puste strony; [drukarki] w biurze też."
    );
    // Matched whole, the same word marks nothing else.
    assert_eq!(
        show(&snippet(text, &marks("drukarka "), 200)),
        "[Drukarka] drukuje puste strony; drukarki w biurze też."
    );
}

#[test]
fn phrases_mark_each_of_their_words_and_numbers_match() {
    let text = "See INC0001127: the printer jam is back.";
    assert_eq!(
        show(&snippet(text, &marks("\"printer jam\" inc1127 "), 200)),
        "See [INC0001127]: the [printer] [jam] is back."
    );
}

#[test]
fn a_long_text_is_cut_between_words_around_the_best_place() {
    let filler = "lorem ipsum dolor sit amet ".repeat(20);
    let text = format!("{filler}the VPN drops when the laptop sleeps. {filler}VPN again.");
    let s = snippet(&text, &marks("vpn laptop "), 60);
    let shown = show(&s);
    assert!(s.cut_before && s.cut_after, "{shown}");
    assert!(shown.contains("[VPN] drops when the [laptop] sleeps."), "{shown}");
    // Some context before the first match, and no word cut in half.
    assert!(!s.segments[0].matched && s.segments[0].text.starts_with(char::is_alphabetic), "{shown}");
    let body: usize = s.segments.iter().map(|seg| seg.text.chars().count()).sum();
    assert!(body <= 60, "{body}: {shown}");
}

#[test]
fn the_window_with_most_different_words_wins() {
    let filler = "x ".repeat(100);
    let text = format!("printer {filler} printer toner {filler}");
    let s = snippet(&text, &marks("printer toner "), 30);
    assert!(show(&s).contains("[printer] [toner]"), "{}", show(&s));
}

#[test]
fn without_a_match_the_text_begins() {
    let text = "Nothing here matches the query at all, it just goes on and on.";
    let s = snippet(text, &marks("printer "), 20);
    assert_eq!(show(&s), "Nothing here matches…");
    assert!(!s.segments.iter().any(|seg| seg.matched));
    assert_eq!(show(&snippet("", &marks("printer "), 20)), "");
}

#[test]
fn a_word_longer_than_the_window_is_cut() {
    let text = format!("{} printer", "ż".repeat(50));
    let s = snippet(&text, &marks("zzzz"), 10);
    assert_eq!(show(&s), format!("[{}]…", "ż".repeat(10)));
}

#[test]
fn a_text_that_fits_is_shown_whole() {
    // A title shown in full: the match near its end does not push its
    // first words out.
    let text = "Clear a printer jam";
    let s = snippet(text, &marks("jam "), text.chars().count());
    assert_eq!(show(&s), "Clear a printer [jam]");
    // A longer text still begins a little before its match, and ends with
    // the text when that is nearer.
    let long = format!("{} printer jam", "word ".repeat(40));
    assert!(show(&snippet(&long, &marks("jam "), 30)).ends_with("printer [jam]"));
}

proptest! {
    /// Segments are slices of the text in order, never longer together
    /// than the window, and every matched one folds to a match.
    #[test]
    fn segments_are_in_order_and_within_the_window(
        text in "[a-zA-ZąćęłńóśźżŁŻ .,;\n]{0,300}",
        max in 1usize..120,
    ) {
        let m = [Mark { token: "a".into(), prefix: true }, Mark { token: "zo".into(), prefix: false }];
        let s = snippet(&text, &m, max);
        let joined: String = s.segments.iter().map(|seg| seg.text).collect();
        prop_assert!(text.contains(&joined));
        prop_assert!(joined.chars().count() <= max, "{} > {}", joined.chars().count(), max);
        for seg in s.segments.iter().filter(|seg| seg.matched) {
            let token = crate::search::fold::fold(seg.text);
            prop_assert!(token.starts_with('a') || "zo".starts_with(&token), "{:?}", seg.text);
        }
    }
}
