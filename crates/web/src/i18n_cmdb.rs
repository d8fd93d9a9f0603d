//! The CMDB's words in the UI's language: built-in class names, CI status,
//! criticality, portfolio status, relation types, import outcomes and CI
//! journal actions. Stored values are English keys (`in_use`, `runs_on`);
//! an unknown one (an admin-defined class, a newer value) is shown as it is.

use crate::i18n::{Lang, Msg, t};
use std::borrow::Cow;

fn word<'a>(lang: Lang, key: &'a str, table: &[(&str, Msg)]) -> Cow<'a, str> {
    match table.iter().find(|(k, _)| *k == key) {
        Some((_, m)) => Cow::Borrowed(t(lang, *m)),
        None => Cow::Borrowed(key),
    }
}

const CLASSES: [(&str, Msg); 10] = [
    ("business_service", Msg::ClassBusinessService),
    ("technical_service", Msg::ClassTechnicalService),
    ("application", Msg::ClassApplication),
    ("database", Msg::ClassDatabase),
    ("server", Msg::ClassServer),
    ("virtual_machine", Msg::ClassVirtualMachine),
    ("container", Msg::ClassContainer),
    ("network_device", Msg::ClassNetworkDevice),
    ("storage", Msg::ClassStorage),
    ("location", Msg::ClassLocation),
];

/// A class by key: built-in ones translated, admin-defined ones by the
/// name their admin gave (`defined`), else the key.
pub fn class<'a>(lang: Lang, key: &'a str, defined: Option<&'a str>) -> Cow<'a, str> {
    match CLASSES.iter().find(|(k, _)| *k == key) {
        Some((_, m)) => Cow::Borrowed(t(lang, *m)),
        None => Cow::Borrowed(defined.unwrap_or(key)),
    }
}

const ATTRIBUTES: [(&str, Msg); 20] = [
    ("version", Msg::AttrVersion),
    ("url", Msg::AttrUrl),
    ("engine", Msg::AttrEngine),
    ("serial_number", Msg::AttrSerialNumber),
    ("uuid", Msg::AttrUuid),
    ("hostname", Msg::AttrHostname),
    ("fqdn", Msg::AttrFqdn),
    ("operating_system", Msg::OperatingSystem),
    ("cpu_count", Msg::AttrCpuCount),
    ("memory_mb", Msg::AttrMemoryMb),
    ("ip_address", Msg::AttrIpAddress),
    ("mac_address", Msg::AttrMacAddress),
    ("hypervisor", Msg::AttrHypervisor),
    ("container_id", Msg::AttrContainerId),
    ("image", Msg::AttrImage),
    ("ports", Msg::AttrPorts),
    ("capacity_gb", Msg::AttrCapacityGb),
    ("address", Msg::AttrAddress),
    ("city", Msg::AttrCity),
    ("country", Msg::AttrCountry),
];

/// An attribute's label: the built-in ones translated, others by the label
/// their class gives (`defined`), else the attribute's name.
pub fn attribute<'a>(lang: Lang, name: &'a str, defined: Option<&'a str>) -> Cow<'a, str> {
    match (defined, ATTRIBUTES.iter().find(|(k, _)| *k == name)) {
        (_, Some((_, m))) => Cow::Borrowed(t(lang, *m)),
        (Some(label), None) => Cow::Borrowed(label),
        (None, None) => Cow::Borrowed(name),
    }
}

pub fn status(lang: Lang, s: &str) -> Cow<'_, str> {
    word(
        lang,
        s,
        &[
            ("planned", Msg::CiPlanned),
            ("in_use", Msg::CiInUse),
            ("maintenance", Msg::CiMaintenance),
            ("retired", Msg::CiRetired),
        ],
    )
}

pub fn criticality(lang: Lang, c: &str) -> Cow<'_, str> {
    word(
        lang,
        c,
        &[("low", Msg::CritLow), ("medium", Msg::CritMedium), ("high", Msg::CritHigh), ("critical", Msg::CritCritical)],
    )
}

pub fn portfolio(lang: Lang, p: &str) -> Cow<'_, str> {
    word(
        lang,
        p,
        &[("pipeline", Msg::PortfolioPipeline), ("live", Msg::PortfolioLive), ("retired", Msg::PortfolioRetired)],
    )
}

/// A relation type as a verb phrase: `runs_on` → "runs on".
pub fn relation(lang: Lang, kind: &str) -> Cow<'_, str> {
    word(
        lang,
        kind,
        &[
            ("depends_on", Msg::KindDependsOn),
            ("runs_on", Msg::KindRunsOn),
            ("hosted_on", Msg::KindHostedOn),
            ("uses", Msg::KindUses),
            ("member_of", Msg::KindMemberOf),
            ("connected_to", Msg::KindConnectedTo),
        ],
    )
}

/// What an import does with a row.
pub fn outcome(lang: Lang, o: &str) -> Cow<'_, str> {
    word(
        lang,
        o,
        &[
            ("create", Msg::OutCreate),
            ("update", Msg::OutUpdate),
            ("unchanged", Msg::OutUnchanged),
            ("reject", Msg::OutReject),
        ],
    )
}

/// A CI journal entry's action.
pub fn action(lang: Lang, a: &str) -> Cow<'_, str> {
    word(
        lang,
        a,
        &[
            ("created", Msg::CiEvCreated),
            ("updated", Msg::CiEvUpdated),
            ("relation_added", Msg::CiEvRelationAdded),
            ("relation_removed", Msg::CiEvRelationRemoved),
        ],
    )
}

/// The label of a CI field as the journal and the import name it.
pub fn field(lang: Lang, name: &str) -> Cow<'_, str> {
    let m = match name {
        "class" => Msg::CiClass,
        "status" => Msg::CiStatusLabel,
        "criticality" => Msg::Criticality,
        "owner_group" | "owner_group_id" => Msg::OwnerGroup,
        "location" | "location_id" => Msg::Location,
        "vendor" => Msg::Vendor,
        "owner" | "owner_id" => Msg::ServiceOwner,
        "support_calendar_id" => Msg::SupportHours,
        "tier" => Msg::Tier,
        "portfolio_status" => Msg::PortfolioStatus,
        "requester_visible" => Msg::VisibleToRequesters,
        "consumers" => Msg::UsedBy,
        "relation" => Msg::RelKind,
        "mapping" => Msg::Mapping,
        "file" => Msg::CsvFile,
        "as_of" => Msg::AsOf,
        "hops" => Msg::Hops,
        _ => return crate::i18n::field(lang, name),
    };
    Cow::Borrowed(t(lang, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_both_languages_and_unknown_ones_as_they_are() {
        assert_eq!(class(Lang::Pl, "virtual_machine", Some("Virtual machine")), "Maszyna wirtualna");
        assert_eq!(class(Lang::Pl, "printer", Some("Printer")), "Printer");
        assert_eq!(class(Lang::En, "printer", None), "printer");
        assert_eq!(status(Lang::Pl, "in_use"), "w użyciu");
        assert_eq!(relation(Lang::En, "hosted_on"), "hosted on");
        assert_eq!(relation(Lang::En, "teleports_to"), "teleports_to");
        assert_eq!(portfolio(Lang::Pl, "live"), "Działająca");
        assert_eq!(field(Lang::En, "owner_group_id"), "Owner group");
        assert_eq!(field(Lang::En, "name"), "Name");
        assert_eq!(attribute(Lang::Pl, "memory_mb", None), "Pamięć (MB)");
        assert_eq!(attribute(Lang::En, "cpu_count", Some("cpu_count")), "CPUs");
        assert_eq!(attribute(Lang::Pl, "site", Some("Site")), "Site");
        assert_eq!(attribute(Lang::En, "rack_units", None), "rack_units");
    }
}

// CMDB import: relation columns and the relations a file holds (issue 10, item 10).

/// A relation column's choice in the import's mapping form.
pub fn relation_column(lang: Lang, kind: &str) -> String {
    let verb = relation(lang, kind);
    match lang {
        Lang::En => format!("Relation: {verb} (CI names, separated by ;)"),
        Lang::Pl => format!("Relacja: {verb} (nazwy CI rozdzielone średnikiem)"),
    }
}

/// How many relations an import names (a dry run) or added.
pub fn relations_count(lang: Lang, n: usize, written: bool) -> String {
    match (lang, written) {
        (Lang::En, false) => format!("Relations in the file: {n}"),
        (Lang::En, true) => format!("Relations added: {n}"),
        (Lang::Pl, false) => format!("Relacje w pliku: {n}"),
        (Lang::Pl, true) => format!("Dodane relacje: {n}"),
    }
}

#[cfg(test)]
mod import_words {
    use super::*;

    #[test]
    fn relation_columns_and_counts_in_both_languages() {
        assert_eq!(relation_column(Lang::En, "runs_on"), "Relation: runs on (CI names, separated by ;)");
        assert!(relation_column(Lang::Pl, "runs_on").starts_with("Relacja: "));
        assert_eq!(relations_count(Lang::Pl, 3, true), "Dodane relacje: 3");
    }
}
