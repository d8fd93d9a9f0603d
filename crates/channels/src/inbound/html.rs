//! HTML bodies to plain text, for messages sent without a text part
//! (Outlook, Gmail and Apple Mail all can).
//!
//! mail-parser's converter does the hard parts (entities, `<head>`, style,
//! script, comments) but breaks lines only at `<br>` and `</p>`, and drops
//! the quoting that `<blockquote>` expresses. So before converting, a "line
//! break unless at the start of a line" mark goes around every block element,
//! and blockquotes are bracketed with two more marks (all three Unicode
//! private-use characters, removed from the input first); afterwards the marks
//! become line breaks, the lines inside blockquotes get the `> ` prefix that
//! [`super::reply_text`] recognises, and layout whitespace is tidied (HTML
//! collapses it anyway).

const BLOCK_TAGS: [&str; 20] = [
    "address", "article", "dd", "div", "dl", "dt", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "ol", "pre", "table", "tr",
];
const BREAK: char = '\u{E000}';
const QUOTE_OPEN: char = '\u{E001}';
const QUOTE_CLOSE: char = '\u{E002}';

pub(crate) fn to_text(html: &str) -> String {
    let html = html.replace([BREAK, QUOTE_OPEN, QUOTE_CLOSE], "");
    let mut prepared = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html.as_str();
    while let Some(pos) = rest.find('<') {
        prepared.push_str(&rest[..pos]);
        rest = &rest[pos + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match name.as_str() {
            "blockquote" => prepared.extend([BREAK, if closing { QUOTE_CLOSE } else { QUOTE_OPEN }, BREAK]),
            n if BLOCK_TAGS.contains(&n) => prepared.push(BREAK),
            _ => {}
        }
        prepared.push('<');
    }
    prepared.push_str(rest);

    // Marks to line breaks: a BREAK only ends a line that has something on it.
    let mut text = String::new();
    let mut line_has_text = false;
    for c in mail_parser::decoders::html::html_to_text(&prepared).chars() {
        match c {
            BREAK if !line_has_text => {}
            BREAK | '\n' => {
                text.push('\n');
                line_has_text = false;
            }
            c => {
                line_has_text |= !c.is_whitespace();
                text.push(c);
            }
        }
    }

    let mut lines: Vec<String> = Vec::new();
    let mut depth = 0usize;
    for line in text.lines().map(str::trim) {
        match line {
            _ if line.contains(QUOTE_OPEN) => depth += 1,
            _ if line.contains(QUOTE_CLOSE) => depth = depth.saturating_sub(1),
            // One blank line at most, none at the start.
            "" if lines.last().is_none_or(|l| l.is_empty() || (depth > 0 && l.chars().all(|c| c == '>'))) => {}
            "" if depth > 0 => lines.push(">".repeat(depth)),
            _ if depth > 0 => lines.push(format!("{} {line}", ">".repeat(depth))),
            _ => lines.push(line.to_owned()),
        }
    }
    while lines.last().is_some_and(|l| l.is_empty() || l.chars().all(|c| c == '>')) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn blocks_become_lines() {
        let html = "<html><head><style>p{x:y}</style></head><body><div>One</div><div>Two &amp; <b>three</b></div>\
                    <ul><li>a</li><li>b</li></ul><p>Para</p><p>&nbsp;</p><p>Last</p></body></html>";
        assert_eq!(to_text(html), "One\nTwo & three\na\nb\nPara\n\nLast");
        // Gmail's blank line.
        assert_eq!(to_text("<div>Line 1</div><div><br></div><div>Line 2</div>"), "Line 1\n\nLine 2");
    }

    #[test]
    fn blockquotes_are_quoted() {
        let html = "<div>Still broken.</div><div class=\"gmail_quote\">On Mon, Steward wrote:<br>\
                    <blockquote style=\"margin:0\">Resolved<br>by Ewa<blockquote>older</blockquote></blockquote></div>";
        assert_eq!(to_text(html), "Still broken.\nOn Mon, Steward wrote:\n> Resolved\n> by Ewa\n>> older");
    }
}
