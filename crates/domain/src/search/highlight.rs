//! A short piece of a result's text around what matched, with the matches
//! marked. Words are matched on their folded tokens (so "zolty" marks
//! "Żółty") but the segments are slices of the original text: the web
//! layer escapes each one and wraps the matched ones in `<mark>`.

use super::fold::{Word, spans};
use super::query::Mark;

/// A run of the original text, matched or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    pub text: &'a str,
    pub matched: bool,
}

/// The segments in order, and whether text was left out before and after
/// (for an ellipsis).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet<'a> {
    pub segments: Vec<Segment<'a>>,
    pub cut_before: bool,
    pub cut_after: bool,
}

/// Matches looked at as places to start: enough for any real text, and
/// it bounds the work on a text that matches everywhere.
const MAX_ANCHORS: usize = 256;

/// At most about `max_chars` characters of `text`, placed where the most
/// different marks are near each other, beginning a little before the
/// first of them, cut between words. Without a match: the beginning.
pub fn snippet<'a>(text: &'a str, marks: &[Mark], max_chars: usize) -> Snippet<'a> {
    let words = spans(text);
    let hits: Vec<(usize, usize)> = words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| marks.iter().position(|m| matches(w, m)).map(|m| (i, m)))
        .collect();
    let pos = char_positions(text, &words);
    let lead = max_chars / 4;
    // A window never starts later than one that ends with the text: a
    // text that fits is shown whole.
    let latest = text.chars().count().saturating_sub(max_chars);
    // (distinct marks, window start in chars) of the best window so far.
    let mut best: Option<(usize, usize, usize)> = None;
    for (n, &(i, _)) in hits.iter().enumerate().take(MAX_ANCHORS) {
        let from = pos[i].0.saturating_sub(lead).min(latest);
        let mut seen = vec![false; marks.len()];
        for &(j, m) in &hits[n..] {
            if pos[j].0 >= from + max_chars {
                break;
            }
            seen[m] = true;
        }
        let score = seen.iter().filter(|s| **s).count();
        if best.is_none_or(|(s, _, _)| score > s) {
            best = Some((score, from, i));
        }
    }
    let (from, anchor) = best.map_or((0, None), |(_, from, i)| (from, Some(i)));
    window(text, &words, &pos, &hits, from, anchor, max_chars)
}

fn matches(word: &Word, mark: &Mark) -> bool {
    if mark.prefix { word.token.starts_with(&mark.token) } else { word.token == mark.token }
}

/// Each word's first character and its length, counted in characters.
fn char_positions(text: &str, words: &[Word]) -> Vec<(usize, usize)> {
    let (mut byte, mut chars) = (0, 0);
    words
        .iter()
        .map(|w| {
            chars += text[byte..w.span.start].chars().count();
            byte = w.span.start;
            (chars, text[w.span.clone()].chars().count())
        })
        .collect()
}

fn window<'a>(
    text: &'a str,
    words: &[Word],
    pos: &[(usize, usize)],
    hits: &[(usize, usize)],
    from: usize,
    anchor: Option<usize>,
    max_chars: usize,
) -> Snippet<'a> {
    // Begin at the first word inside the window (or the text's start).
    let (first, start, start_chars) = match pos.partition_point(|&(s, _)| s < from) {
        _ if from == 0 => (0, 0, 0),
        i => (i, words.get(i).map_or(text.len(), |w| w.span.start), pos.get(i).map_or(0, |p| p.0)),
    };
    // End after the last word that fits; a word longer than the window
    // is cut.
    let hard = cut_at(text, start, max_chars);
    let mut end = if hard == text.len() {
        hard
    } else {
        let until = start_chars + max_chars;
        (first..words.len()).take_while(|&i| pos[i].0 + pos[i].1 <= until).last().map_or(hard, |i| words[i].span.end)
    };
    if anchor.is_some_and(|a| end <= words[a].span.start) {
        end = hard;
    }
    let mut segments: Vec<Segment<'a>> = Vec::new();
    let mut at = start;
    for &(i, _) in hits {
        let span = &words[i].span;
        if span.start < start {
            continue;
        }
        if span.start >= end {
            break;
        }
        // One character can fold to several words (`¼` is `1`, `4`), all
        // on its span: a word already shown marked is not shown again.
        let begin = span.start.max(at);
        push(&mut segments, &text[at..begin], false);
        let stop = span.end.min(end).max(begin);
        push(&mut segments, &text[begin..stop], true);
        at = stop;
    }
    push(&mut segments, &text[at..end], false);
    Snippet {
        segments,
        cut_before: words.first().is_some_and(|w| w.span.start < start),
        cut_after: words.last().is_some_and(|w| w.span.end > end),
    }
}

/// The byte index `max_chars` characters after `start` (or the end).
fn cut_at(text: &str, start: usize, max_chars: usize) -> usize {
    text[start..].char_indices().nth(max_chars).map_or(text.len(), |(i, _)| start + i)
}

fn push<'a>(segments: &mut Vec<Segment<'a>>, text: &'a str, matched: bool) {
    if !text.is_empty() {
        segments.push(Segment { text, matched });
    }
}

#[cfg(test)]
#[path = "highlight_tests.rs"]
mod tests;
