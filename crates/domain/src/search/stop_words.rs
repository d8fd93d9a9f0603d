//! Words too common to search for on their own, English and Polish, in
//! folded form (`się` → `sie`). A query of nothing else is refused; next to
//! other words they are left out, inside a quoted phrase they stay.
//! "It" is deliberately absent: at a service desk it means the department;
//! possessives ("my", "its", "mój") say nothing about what is wrong.

/// Sorted, so a lookup is a binary search (a test keeps it so).
const STOP_WORDS: &[&str] = &[
    "a", "aby", "ale", "an", "and", "are", "as", "at", "be", "bo", "by", "czy", "do", "for", "from", "i", "in", "is",
    "its", "jak", "jest", "juz", "lub", "me", "mi", "moj", "moja", "my", "na", "nie", "not", "o", "od", "of", "on",
    "or", "oraz", "our", "po", "przez", "sa", "sie", "ta", "tak", "te", "that", "the", "this", "to", "tu", "w", "was",
    "we", "were", "with", "your", "z", "za", "ze",
];

/// Is the folded token a stop word?
pub fn is_stop_word(token: &str) -> bool {
    STOP_WORDS.binary_search(&token).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::fold::fold;

    #[test]
    fn the_list_is_sorted_folded_and_unique() {
        for pair in STOP_WORDS.windows(2) {
            assert!(pair[0] < pair[1], "{pair:?}");
        }
        for w in STOP_WORDS {
            assert_eq!(fold(w), *w);
        }
    }

    #[test]
    fn english_and_polish_words_are_found_folded() {
        for w in ["the", "and", "of", "się", "że", "nie", "w", "z", "na"] {
            assert!(is_stop_word(&fold(w)), "{w}");
        }
        for w in ["printer", "drukarka", "it", "vpn", "inc"] {
            assert!(!is_stop_word(w), "{w}");
        }
    }
}
