//! Parsing machine inventories as `fusioninventory-agent` writes them: this
//! machine's own, produced by the real agent from Debian's packages
//! (`scripts/install-inventory.sh`), and a hand-made workstation with a real
//! vendor's serial and UUID shapes.

use std::io::Write;

use steward_channels::inventory::{
    Identifier, InventoryError, MAX_ENTRIES, MAX_FIELDS, MAX_FIELDS_TOTAL, decompress, parse,
};

const LIMIT: usize = 10 * 1024 * 1024;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/channels/inventory/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A minimal inventory with the given `BIOS` and `HARDWARE` fields.
fn minimal(bios: &str, hardware: &str, extra: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST><CONTENT><BIOS>{bios}</BIOS>\
         <HARDWARE>{hardware}</HARDWARE>{extra}</CONTENT><DEVICEID>d-1</DEVICEID>\
         <QUERY>INVENTORY</QUERY></REQUEST>"
    )
}

fn malformed(result: Result<impl std::fmt::Debug, InventoryError>) -> String {
    match result {
        Err(InventoryError::Malformed(why)) => why,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn this_machine_from_the_real_agent() {
    let inv = parse(&fixture("this-machine.xml"), LIMIT).unwrap();
    assert_eq!(inv.hostname.as_deref(), Some("vm"));
    assert_eq!(inv.fqdn.as_deref(), Some("vm"));
    assert!(inv.device_id.as_deref().unwrap().starts_with("vm-"));
    assert_eq!(inv.os.name.as_deref(), Some("Debian GNU/Linux"));
    assert_eq!(inv.os.full_name.as_deref(), Some("Debian GNU/Linux 12 (bookworm)"));
    assert_eq!(inv.os.version.as_deref(), Some("12.11"));
    assert_eq!(inv.os.arch.as_deref(), Some("x86_64"));
    assert!(inv.os.kernel.is_some());
    assert!(inv.memory_mb.unwrap() > 1024);
    // A container: no serial number, no UUID.
    assert_eq!(inv.serial, None, "<SSN></SSN> is no serial");
    assert_eq!(inv.uuid, None);
    assert!(!inv.cpus.is_empty());
    assert_eq!(inv.disks.len(), 1);
    assert_eq!(inv.disks[0].mount.as_deref(), Some("/"));
    assert!(inv.disks[0].total_mb.unwrap() > inv.disks[0].free_mb.unwrap());
    assert!(inv.software.len() > 10, "{} packages", inv.software.len());
    assert!(inv.software.iter().any(|s| s.name == "fusioninventory-agent"));
    // One NETWORKS entry per address; one interface per name and MAC.
    let eth0 = inv.networks.iter().find(|n| n.name.as_deref() == Some("eth0")).unwrap();
    assert_eq!(inv.networks.iter().filter(|n| n.name.as_deref() == Some("eth0")).count(), 1);
    assert!(!eth0.r#virtual);
    assert_eq!(eth0.ipv4.len(), 1);
    assert_eq!(eth0.ipv6.len(), 2);
    let lo = inv.networks.iter().find(|n| n.name.as_deref() == Some("lo")).unwrap();
    assert!(lo.r#virtual);
    assert_eq!((lo.ipv4.as_slice(), lo.ipv6.as_slice()), (&["127.0.0.1".to_owned()][..], &["::1".to_owned()][..]));
    // Hostname and the physical interface's MAC; not the random MACs of
    // the virtual ifb devices, not loopback's zeros.
    assert_eq!(inv.identifiers(), vec![Identifier::Hostname("vm".into()), Identifier::Mac(eth0.mac.clone().unwrap())]);
}

#[test]
fn workstation_with_serial_uuid_and_several_nics() {
    let inv = parse(&fixture("dell-workstation.xml"), LIMIT).unwrap();
    assert_eq!(inv.serial.as_deref(), Some("8GB7XK3"));
    assert_eq!(inv.manufacturer.as_deref(), Some("Dell Inc."));
    assert_eq!(inv.model.as_deref(), Some("OptiPlex 7090"));
    assert_eq!(inv.fqdn.as_deref(), Some("ws-acct-042.corp.example.com"));
    assert_eq!(inv.os.name.as_deref(), Some("Ubuntu"));
    assert_eq!(inv.os.kernel.as_deref(), Some("5.15.0-105-generic"));
    assert_eq!(inv.memory_mb, Some(15787));
    assert_eq!((inv.cpus[0].cores, inv.cpus[0].threads, inv.cpus[0].speed_mhz), (Some(8), Some(2), Some(2500)));
    assert_eq!(inv.disks.len(), 2);
    assert_eq!(inv.disks[1].mount.as_deref(), Some("/boot/efi"));
    assert_eq!(inv.networks.len(), 4, "{:#?}", inv.networks);
    let wired = &inv.networks[0];
    assert_eq!(wired.mac.as_deref(), Some("b0:7b:25:1a:2c:3d"));
    assert_eq!(wired.ipv4, ["10.20.14.42"]);
    assert_eq!(wired.ipv6, ["fe80::b27b:25ff:fe1a:2c3d"]);
    // Entities, character references, CDATA and empty elements.
    let names: Vec<&str> = inv.software.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["firefox", "libreoffice-calc", "Zoom Client & Meetings", "openssh-server"]);
    assert_eq!(inv.software[0].publisher.as_deref(), Some("Ubuntu Mozilla Team <ubuntu-mozillateam@lists.ubuntu.com>"));
    assert_eq!(inv.software[2].publisher.as_deref(), Some("Zoom Video Communications, Inc."));
    assert_eq!(inv.software[3].publisher, None);
    assert_eq!(
        inv.identifiers(),
        vec![
            Identifier::Serial("8GB7XK3".into()),
            Identifier::Uuid("4c4c4544-0047-4210-8037-b8c04f584b33".into()),
            Identifier::Hostname("ws-acct-042".into()),
            Identifier::Mac("b0:7b:25:1a:2c:3d".into()),
            Identifier::Mac("a4:c3:f0:85:11:7e".into()),
        ]
    );
}

#[test]
fn junk_serials_and_uuids_are_not_identifiers() {
    for serial in ["To be filled by O.E.M.", "0", "None", "System Serial Number", "", "   ", "Default string"] {
        let xml = minimal(
            &format!("<SSN>{serial}</SSN>"),
            "<NAME>pc-7</NAME><UUID>00000000-0000-0000-0000-000000000000</UUID>",
            "",
        );
        let inv = parse(xml.as_bytes(), LIMIT).unwrap();
        assert_eq!(inv.identifiers(), vec![Identifier::Hostname("pc-7".into())], "serial {serial:?}");
    }
    let xml = minimal("<SSN>CZC1234ABC</SSN>", "<UUID>FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF</UUID>", "");
    let inv = parse(xml.as_bytes(), LIMIT).unwrap();
    assert_eq!(inv.uuid.as_deref(), Some("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"), "kept as reported");
    assert_eq!(inv.identifiers(), vec![Identifier::Serial("CZC1234ABC".into())]);
}

#[test]
fn no_usable_identifier() {
    let xml = minimal(
        "<SSN>To be filled by O.E.M.</SSN>",
        "<NAME>localhost</NAME><UUID>03000200-0400-0500-0006-000700080009</UUID>",
        "<NETWORKS><DESCRIPTION>lo</DESCRIPTION><MACADDR>00:00:00:00:00:00</MACADDR></NETWORKS>\
         <NETWORKS><DESCRIPTION>br0</DESCRIPTION><MACADDR>02:42:5e:91:0a:7c</MACADDR>\
         <VIRTUALDEV>1</VIRTUALDEV></NETWORKS>",
    );
    assert_eq!(parse(xml.as_bytes(), LIMIT), Err(InventoryError::NoIdentifier));
}

#[test]
fn truncated_inventories_are_malformed() {
    let xml = fixture("this-machine.xml");
    // Cut in the middle, inside a tag, and just before the closing REQUEST.
    for cut in [xml.len() / 2, xml.len() / 3 + 7, xml.len() - 12] {
        let why = malformed(parse(&xml[..cut], LIMIT));
        assert!(why.contains("at byte"), "{why}");
    }
    // Cut right after an element: well-formed so far, but not finished.
    let text = String::from_utf8(xml.clone()).unwrap();
    let end = text.find("</SOFTWARES>").unwrap() + "</SOFTWARES>".len();
    let why = malformed(parse(&xml[..end], LIMIT));
    assert!(why.contains("ends inside <CONTENT>"), "{why}");
}

#[test]
fn not_xml_is_malformed() {
    for body in [&b"hello, world"[..], b"{\"content\": {}}", b"", b"\x78\x9c\x01\x02", b"<REQUEST><CONTENT></REQUEST>"]
    {
        malformed(parse(body, LIMIT));
    }
    let why = malformed(parse(minimal("<SSN>&xxe;</SSN>", "<NAME>pc</NAME>", "").as_bytes(), LIMIT));
    assert!(why.contains("unknown entity"), "{why}");
    // Latin-1 where UTF-8 is declared.
    let latin1 = minimal("<SSN>X1</SSN>", "<NAME>caf\u{e9}</NAME>", "").replace('\u{e9}', "\u{0}");
    let bytes: Vec<u8> = latin1.bytes().map(|b| if b == 0 { 0xe9 } else { b }).collect();
    malformed(parse(&bytes, LIMIT));
}

#[test]
fn other_documents_are_not_inventories() {
    let prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><REQUEST><DEVICEID>d-1</DEVICEID>\
                  <QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>";
    assert!(matches!(parse(prolog.as_bytes(), LIMIT), Err(InventoryError::NotAnInventory(_))));
    let wrong_query = minimal("<SSN>X1</SSN>", "", "").replace("INVENTORY", "SNMPQUERY");
    assert_eq!(parse(wrong_query.as_bytes(), LIMIT), Err(InventoryError::NotAnInventory("QUERY is not INVENTORY")));
    let html = "<html><body>inventory</body></html>";
    assert!(matches!(parse(html.as_bytes(), LIMIT), Err(InventoryError::NotAnInventory(_))));
    let no_content = "<REQUEST><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>";
    assert_eq!(parse(no_content.as_bytes(), LIMIT), Err(InventoryError::NotAnInventory("no CONTENT")));
}

#[test]
fn over_size_is_refused_before_parsing() {
    let xml = fixture("this-machine.xml");
    assert_eq!(parse(&xml, xml.len() - 1), Err(InventoryError::TooLarge { limit: xml.len() - 1 }));
    // Refused on size alone: garbage of the same size is not even read.
    assert_eq!(parse(&vec![b'<'; 2000], 1000), Err(InventoryError::TooLarge { limit: 1000 }));
    assert!(parse(&xml, xml.len()).is_ok());
}

#[test]
fn entries_per_section_are_capped() {
    let one = "<SOFTWARES><NAME>p</NAME></SOFTWARES>";
    let many = one.repeat(MAX_ENTRIES + 1);
    let xml = minimal("<SSN>X1</SSN>", "", &many);
    let why = malformed(parse(xml.as_bytes(), usize::MAX));
    assert!(why.contains("SOFTWARES"), "{why}");
    let at_cap = minimal("<SSN>X1</SSN>", "", &one.repeat(MAX_ENTRIES));
    assert_eq!(parse(at_cap.as_bytes(), usize::MAX).unwrap().software.len(), MAX_ENTRIES);
}

#[test]
fn fields_per_entry_and_in_all_are_capped() {
    let entry = |n: usize| format!("<SOFTWARES>{}</SOFTWARES>", "<A/>".repeat(n));
    let why = malformed(parse(minimal("<SSN>X1</SSN>", "", &entry(MAX_FIELDS + 1)).as_bytes(), usize::MAX));
    assert!(why.contains(&format!("more than {MAX_FIELDS} fields in one SOFTWARES entry")), "{why}");
    assert!(parse(minimal("<SSN>X1</SSN>", "", &entry(MAX_FIELDS)).as_bytes(), usize::MAX).is_ok());

    // A bomb: a few KB of zlib that would be millions of fields. It is
    // refused once the total is passed, before it can fill memory.
    let records = MAX_FIELDS_TOTAL / (MAX_FIELDS - 1) + 1;
    let xml = minimal("<SSN>X1</SSN>", "", &entry(MAX_FIELDS - 1).repeat(records));
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(xml.as_bytes()).unwrap();
    let body = z.finish().unwrap();
    assert!(body.len() < 20 * 1024, "{} bytes compressed", body.len());
    let xml = decompress(&body, Some("application/x-compress-zlib"), LIMIT).unwrap();
    let why = malformed(parse(&xml, LIMIT));
    assert!(why.contains(&format!("more than {MAX_FIELDS_TOTAL} fields")), "{why}");
}

#[test]
fn compressed_bodies_as_the_agent_sends_them() {
    let xml = fixture("this-machine.xml");
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(&xml).unwrap();
    let zlib = zlib.finish().unwrap();
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&xml).unwrap();
    let gzip = gzip.finish().unwrap();

    assert_eq!(decompress(&zlib, Some("application/x-compress-zlib"), LIMIT).unwrap(), xml);
    assert_eq!(decompress(&gzip, Some("application/x-compress-gzip"), LIMIT).unwrap(), xml);
    assert_eq!(decompress(&xml, Some("application/xml; charset=UTF-8"), LIMIT).unwrap(), xml);
    assert_eq!(decompress(&xml, None, LIMIT).unwrap(), xml);
    // A small body that expands past the limit stops at the limit.
    assert!(zlib.len() < 100_000);
    assert_eq!(
        decompress(&zlib, Some("application/x-compress-zlib"), 100_000),
        Err(InventoryError::TooLarge { limit: 100_000 })
    );
    // Cut short or not zlib at all.
    malformed(decompress(&zlib[..zlib.len() / 2], Some("application/x-compress-zlib"), LIMIT));
    malformed(decompress(&xml, Some("application/x-compress-zlib"), LIMIT));
    assert!(matches!(decompress(&xml, Some("application/json"), LIMIT), Err(InventoryError::NotAnInventory(_))));
}
