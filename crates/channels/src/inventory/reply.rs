//! What the server answers an agent. The agent first sends a `PROLOG` and
//! sends its inventory only when told `SEND`; then it posts the inventory
//! and expects a `REPLY` back. Replies are plain XML: the agent accepts them
//! uncompressed (the test against the real agent proves it), so there is no
//! zlib on the way out.

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The answer to a `PROLOG`: send an inventory now, and come back in 24
/// hours.
pub fn prolog_reply() -> String {
    format!("{DECLARATION}<REPLY><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>")
}

/// The acknowledgement of an inventory that was accepted.
pub fn inventory_reply() -> String {
    format!("{DECLARATION}<REPLY></REPLY>")
}

/// The answer to an inventory that was refused, saying why. The message is
/// escaped, and characters XML 1.0 cannot carry at all (control
/// characters from a garbled upload) are dropped.
pub fn error_reply(message: &str) -> String {
    let clean: String = message
        .chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
        .collect();
    format!("{DECLARATION}<REPLY><ERROR>{}</ERROR></REPLY>", quick_xml::escape::escape(clean.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies() {
        assert_eq!(
            prolog_reply(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><RESPONSE>SEND</RESPONSE><PROLOG_FREQ>24</PROLOG_FREQ></REPLY>"
        );
        assert!(inventory_reply().ends_with("\n<REPLY></REPLY>"));
        assert_eq!(
            error_reply("malformed inventory: at byte 3: <CONTENT> & \"more\"\u{0}"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY><ERROR>malformed inventory: at byte 3: \
             &lt;CONTENT&gt; &amp; &quot;more&quot;</ERROR></REPLY>"
        );
    }
}
