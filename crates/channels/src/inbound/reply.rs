//! The new part of a reply: what the person wrote above (or between) the
//! quoted earlier message, so that a comment does not repeat the whole
//! thread each time.
//!
//! Mail clients mark the quote in a few ways, all handled here:
//! - lines starting with `>` (dropped wherever they are: people answer
//!   between quoted lines);
//! - an attribution line, everything below it cut: `On <date>, <name>
//!   wrote:` (Thunderbird, Apple Mail, Gmail in English, sometimes wrapped
//!   onto two lines), `W dniu <date>, <name> pisze:` (Thunderbird in
//!   Polish), `<date> <name> <address> napisał(a):` (Gmail in Polish);
//! - a separator line: `-----Original Message-----` (Outlook),
//!   `-----Wiadomość oryginalna-----` (Outlook in Polish);
//! - a header block: `From:`/`Od:` followed within a few lines by `Sent:`,
//!   `Date:`, `To:`, `Subject:` or their Polish forms (Outlook without a
//!   separator line), possibly after a line of underscores;
//! - the signature separator `-- `.
//!
//! It errs on keeping text: a line is only a cut point when its neighbours
//! confirm it, so a sentence like "From: the second floor" survives.

const ATTRIBUTION_ENDS: [&str; 6] = ["wrote:", "writes:", "pisze:", "napisał(a):", "napisał:", "napisała:"];
const ATTRIBUTION_STARTS: [&str; 3] = ["On ", "W dniu ", "Dnia "];
const SEPARATORS: [&str; 4] =
    ["original message", "wiadomość oryginalna", "oryginalna wiadomość", "ursprüngliche nachricht"];
const FROM_LINES: [&str; 3] = ["From:", "Od:", "*From:*"];
const BLOCK_LINES: [&str; 12] =
    ["Sent:", "Date:", "To:", "Subject:", "Cc:", "Wysłano:", "Wysłane:", "Data:", "Do:", "Temat:", "DW:", "*Sent:*"];

/// The new part of `text` (lines separated by `\n`), without quotes,
/// attribution and signature, trimmed of blank lines at both ends.
pub fn reply_text(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let mut kept: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if is_cut(&lines, i) {
            break;
        }
        if !line.trim_start().starts_with('>') {
            kept.push(line);
        }
    }
    let first = kept.iter().position(|l| !l.trim().is_empty()).unwrap_or(kept.len());
    let last = kept.iter().rposition(|l| !l.trim().is_empty()).map_or(first, |p| p + 1);
    kept[first..last].join("\n")
}

fn is_cut(lines: &[&str], i: usize) -> bool {
    let line = lines[i];
    let t = line.trim();
    line == "--" || line == "-- " || is_attribution(lines, i) || is_separator(t) || is_header_block(lines, i)
}

fn next_non_empty<'a>(lines: &[&'a str], from: usize) -> Option<&'a str> {
    lines.get(from..)?.iter().map(|l| l.trim()).find(|l| !l.is_empty())
}

fn ends_like_attribution(s: &str) -> bool {
    let lower = s.to_lowercase();
    ATTRIBUTION_ENDS.iter().any(|end| lower.ends_with(end))
}

fn starts_like_attribution(s: &str) -> bool {
    ATTRIBUTION_STARTS.iter().any(|start| s.starts_with(start)) || s.contains('@')
}

/// `On … wrote:` on one line, or wrapped onto the next; confirmed by its
/// opening words (or an address) or by a quote right below.
fn is_attribution(lines: &[&str], i: usize) -> bool {
    let t = lines[i].trim();
    if t.is_empty() {
        return false;
    }
    let quoted_below = |from: usize| next_non_empty(lines, from).is_some_and(|l| l.starts_with('>'));
    if ends_like_attribution(t) {
        return starts_like_attribution(t) || quoted_below(i + 1);
    }
    match lines.get(i + 1).map(|l| l.trim()) {
        Some(next) if !next.is_empty() && ends_like_attribution(next) => {
            let joined = format!("{t} {next}");
            ATTRIBUTION_STARTS.iter().any(|start| joined.starts_with(start))
                && (joined.contains('@') || quoted_below(i + 2))
        }
        _ => false,
    }
}

fn is_separator(t: &str) -> bool {
    if t.starts_with("-----") && t.ends_with("-----") {
        let lower = t.to_lowercase();
        return SEPARATORS.iter().any(|s| lower.contains(s));
    }
    false
}

/// `From: …` with `Sent:`/`To:`/`Subject:` lines right below (or a line of
/// underscores right above such a block).
fn is_header_block(lines: &[&str], i: usize) -> bool {
    let t = lines[i].trim();
    if t.len() >= 20 && t.chars().all(|c| c == '_') {
        return next_non_empty(lines, i + 1).is_some_and(|l| FROM_LINES.iter().any(|f| l.starts_with(f)));
    }
    if !FROM_LINES.iter().any(|f| t.starts_with(f)) {
        return false;
    }
    lines[i + 1..].iter().take(4).any(|l| BLOCK_LINES.iter().any(|b| l.trim_start().starts_with(b)))
}

#[cfg(test)]
mod tests {
    use super::reply_text;

    #[test]
    fn thunderbird_english() {
        let text = "Thanks, it works now.\n\nOn 24/11/2026 10:00, Steward wrote:\n> We have resolved\n> your request\n";
        assert_eq!(reply_text(text), "Thanks, it works now.");
    }

    #[test]
    fn gmail_wrapped_attribution() {
        let text =
            "Still broken.\n\nOn Mon, Nov 24, 2026 at 10:00 AM Steward <\nsteward@example.com> wrote:\n\n> Hello\n";
        assert_eq!(reply_text(text), "Still broken.");
    }

    #[test]
    fn polish_clients() {
        let thunderbird = "Dziękuję!\n\nW dniu 24.11.2026 o 10:00, Steward pisze:\n> Rozwiązano\n";
        assert_eq!(reply_text(thunderbird), "Dziękuję!");
        let gmail =
            "Nadal nie działa.\n\npon., 24 lis 2026 o 10:00 Steward <steward@example.com> napisał(a):\n\n> Treść\n";
        assert_eq!(reply_text(gmail), "Nadal nie działa.");
    }

    #[test]
    fn outlook_separators_and_blocks() {
        let sep = "Done.\n\n-----Original Message-----\nFrom: Steward\nSent: Monday\n";
        assert_eq!(reply_text(sep), "Done.");
        let pl = "Gotowe.\n-----Wiadomość oryginalna-----\nOd: Steward\n";
        assert_eq!(reply_text(pl), "Gotowe.");
        let block = "See below.\n________________________________\nFrom: Steward <s@example.com>\nSent: Monday\n";
        assert_eq!(reply_text(block), "See below.");
        let bare = "Ok\n\nFrom: Steward <s@example.com>\nDate: Mon, 24 Nov 2026\nTo: me\n";
        assert_eq!(reply_text(bare), "Ok");
    }

    #[test]
    fn interleaved_quotes_and_signature() {
        let text = "> Which floor?\nThird.\n> Which room?\n304.\n\n-- \nAnna Nowak\nACME";
        assert_eq!(reply_text(text), "Third.\n304.");
    }

    #[test]
    fn ordinary_text_survives() {
        let text =
            "From: the second floor the smell comes.\nMy colleague wrote:\nthat it started at 9.\nIt's -----bad-----";
        assert_eq!(reply_text(text), text);
        assert_eq!(reply_text(""), "");
        assert_eq!(reply_text("> only a quote"), "");
    }
}
