//! The XML walk: turns a FusionInventory / GLPI document into flat records,
//! one per kept section of `CONTENT`, without knowing what the fields mean.
//!
//! Kept apart from the model so that the strictness rules live in one place:
//! the whole document must be well formed (a truncated upload is refused, not
//! half read), only the sections Steward uses are held in memory, and each is
//! capped in count so a hostile or broken agent cannot exhaust memory within
//! the byte limit.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::InventoryError;

/// The sections of `CONTENT` that the model reads; everything else
/// (processes, environment, controllers, local users …) is skipped.
const KEPT: [&str; 7] = ["BIOS", "HARDWARE", "OPERATINGSYSTEM", "CPUS", "DRIVES", "NETWORKS", "SOFTWARES"];

/// At most this many entries of any one kept section (e.g. 100,000 software
/// packages; a real machine has a few thousand at most).
pub const MAX_ENTRIES: usize = 100_000;

/// At most this many fields in one entry (a real one has a few dozen):
/// `<A/>` is four bytes of XML but a field kept in memory costs some
/// eighty, so without these bounds a small body inflates many times over.
pub const MAX_FIELDS: usize = 256;

/// At most this many fields in the whole inventory (a machine with 5,000
/// packages has about 75,000).
pub const MAX_FIELDS_TOTAL: usize = 400_000;

/// Deeper nesting than this is no inventory (the format is four levels deep,
/// five with sub-structures such as the time zone).
const MAX_DEPTH: usize = 32;

/// One entry of a section: `<SOFTWARES><NAME>x</NAME>…</SOFTWARES>` becomes
/// `Record { section: "SOFTWARES", fields: [("NAME", "x"), …] }`. Fields
/// keep document order and may repeat (several `IPADDRESS`).
#[derive(Debug)]
pub(super) struct Record {
    pub section: &'static str,
    pub fields: Vec<(String, String)>,
}

impl Record {
    /// The first non-empty value of `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<String> {
        self.all(name).next().map(str::to_owned)
    }

    /// Every non-empty value of `name`, trimmed.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }
}

/// What the walk found: the envelope's fields and the kept records.
#[derive(Debug, Default)]
pub(super) struct Document {
    pub device_id: Option<String>,
    pub query: Option<String>,
    pub has_content: bool,
    pub records: Vec<Record>,
}

fn malformed_at(pos: u64, what: impl std::fmt::Display) -> InventoryError {
    InventoryError::Malformed(format!("at byte {pos}: {what}"))
}

/// Walks the whole document. Errors: `Malformed` for anything that is not
/// well-formed XML (including a document that ends early), `NotAnInventory`
/// when the root is not `REQUEST`.
pub(super) fn read(xml: &[u8]) -> Result<Document, InventoryError> {
    let mut reader = Reader::from_reader(xml);
    // `<SSN/>` reads like `<SSN></SSN>`, so one code path handles both.
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = true;

    let mut doc = Document::default();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut text = String::new();
    let mut current: Option<Record> = None;
    let mut counts = [0usize; KEPT.len()];
    let mut fields_total = 0usize;
    let mut seen_root = false;

    loop {
        let event = reader.read_event().map_err(|e| malformed_at(reader.error_position(), e))?;
        let pos = reader.buffer_position();
        // Text matters only as the value of a REQUEST field (DEVICEID, QUERY)
        // or of a field inside a kept section.
        let collecting = stack.len() == 2 || (stack.len() == 4 && current.is_some());
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_vec();
                if stack.is_empty() {
                    if seen_root {
                        return Err(malformed_at(pos, "a second root element"));
                    }
                    seen_root = true;
                    if name != b"REQUEST" {
                        return Err(InventoryError::NotAnInventory("the root element is not REQUEST"));
                    }
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed_at(pos, format!("elements nested deeper than {MAX_DEPTH}")));
                }
                if stack.len() == 1 && name == b"CONTENT" {
                    doc.has_content = true;
                }
                if stack.len() == 2 && stack[1] == b"CONTENT" {
                    if let Some(i) = KEPT.iter().position(|k| k.as_bytes() == name.as_slice()) {
                        counts[i] += 1;
                        if counts[i] > MAX_ENTRIES {
                            return Err(malformed_at(pos, format!("more than {MAX_ENTRIES} {} entries", KEPT[i])));
                        }
                        current = Some(Record { section: KEPT[i], fields: Vec::new() });
                    }
                }
                stack.push(name);
                text.clear();
            }
            Event::End(_) => {
                match stack.len() {
                    2 => {
                        let value = std::mem::take(&mut text);
                        match stack[1].as_slice() {
                            b"DEVICEID" => doc.device_id = Some(value),
                            b"QUERY" => doc.query = Some(value),
                            _ => {}
                        }
                    }
                    3 => {
                        if let Some(record) = current.take() {
                            doc.records.push(record);
                        }
                    }
                    4 => {
                        if let (Some(record), Some(name)) = (current.as_mut(), stack.last()) {
                            if record.fields.len() >= MAX_FIELDS {
                                let what = format!("more than {MAX_FIELDS} fields in one {} entry", record.section);
                                return Err(malformed_at(pos, what));
                            }
                            fields_total += 1;
                            if fields_total > MAX_FIELDS_TOTAL {
                                return Err(malformed_at(pos, format!("more than {MAX_FIELDS_TOTAL} fields")));
                            }
                            let name = String::from_utf8_lossy(name).into_owned();
                            record.fields.push((name, std::mem::take(&mut text)));
                        }
                    }
                    _ => {}
                }
                stack.pop();
                text.clear();
            }
            Event::Text(t) => {
                if stack.is_empty() {
                    if !t.iter().all(u8::is_ascii_whitespace) {
                        return Err(malformed_at(pos, "text outside the root element"));
                    }
                } else if collecting {
                    text.push_str(&t.xml_content().map_err(|e| malformed_at(pos, e))?);
                }
            }
            Event::CData(c) => {
                if stack.is_empty() {
                    return Err(malformed_at(pos, "CDATA outside the root element"));
                }
                if collecting {
                    text.push_str(&c.xml_content().map_err(|e| malformed_at(pos, e))?);
                }
            }
            Event::GeneralRef(r) => {
                if stack.is_empty() {
                    return Err(malformed_at(pos, "an entity outside the root element"));
                }
                let resolved = match r.resolve_char_ref().map_err(|e| malformed_at(pos, e))? {
                    Some(ch) => ch.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| malformed_at(pos, e))?;
                        // Only XML's five predefined entities: a DOCTYPE's own
                        // entities are never expanded.
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_owned(),
                            None => return Err(malformed_at(pos, format!("unknown entity &{name};"))),
                        }
                    }
                };
                if collecting {
                    text.push_str(&resolved);
                }
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    let open = String::from_utf8_lossy(open);
                    return Err(malformed_at(pos, format!("the document ends inside <{open}> (truncated?)")));
                }
                if !seen_root {
                    return Err(malformed_at(pos, "no root element"));
                }
                return Ok(doc);
            }
            // `Empty` never comes: `expand_empty_elements` turns it into
            // `Start` and `End`.
            Event::Empty(_) | Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
}
