//! The CMDB's words in the UI's language: built-in class names, CI status,
//! criticality, portfolio status, relation types, import outcomes and CI
//! journal actions. Stored values are English keys (`in_use`, `runs_on`);
//! an unknown one (an admin-defined class, a newer value) is shown as it is.

use super::cmdb_texts::CmdbMsg;
use crate::i18n::{Lang, t};
use std::borrow::Cow;

fn word<'a>(lang: Lang, key: &'a str, table: &[(&str, CmdbMsg)]) -> Cow<'a, str> {
    match table.iter().find(|(k, _)| *k == key) {
        Some((_, m)) => Cow::Borrowed(t(lang, *m)),
        None => Cow::Borrowed(key),
    }
}

const CLASSES: [(&str, CmdbMsg); 10] = [
    ("business_service", CmdbMsg::ClassBusinessService),
    ("technical_service", CmdbMsg::ClassTechnicalService),
    ("application", CmdbMsg::ClassApplication),
    ("database", CmdbMsg::ClassDatabase),
    ("server", CmdbMsg::ClassServer),
    ("virtual_machine", CmdbMsg::ClassVirtualMachine),
    ("container", CmdbMsg::ClassContainer),
    ("network_device", CmdbMsg::ClassNetworkDevice),
    ("storage", CmdbMsg::ClassStorage),
    ("location", CmdbMsg::ClassLocation),
];

/// A class by key: built-in ones translated, admin-defined ones by the
/// name their admin gave (`defined`), else the key.
pub fn class<'a>(lang: Lang, key: &'a str, defined: Option<&'a str>) -> Cow<'a, str> {
    match CLASSES.iter().find(|(k, _)| *k == key) {
        Some((_, m)) => Cow::Borrowed(t(lang, *m)),
        None => Cow::Borrowed(defined.unwrap_or(key)),
    }
}

const ATTRIBUTES: [(&str, CmdbMsg); 20] = [
    ("version", CmdbMsg::AttrVersion),
    ("url", CmdbMsg::AttrUrl),
    ("engine", CmdbMsg::AttrEngine),
    ("serial_number", CmdbMsg::AttrSerialNumber),
    ("uuid", CmdbMsg::AttrUuid),
    ("hostname", CmdbMsg::AttrHostname),
    ("fqdn", CmdbMsg::AttrFqdn),
    ("operating_system", CmdbMsg::OperatingSystem),
    ("cpu_count", CmdbMsg::AttrCpuCount),
    ("memory_mb", CmdbMsg::AttrMemoryMb),
    ("ip_address", CmdbMsg::AttrIpAddress),
    ("mac_address", CmdbMsg::AttrMacAddress),
    ("hypervisor", CmdbMsg::AttrHypervisor),
    ("container_id", CmdbMsg::AttrContainerId),
    ("image", CmdbMsg::AttrImage),
    ("ports", CmdbMsg::AttrPorts),
    ("capacity_gb", CmdbMsg::AttrCapacityGb),
    ("address", CmdbMsg::AttrAddress),
    ("city", CmdbMsg::AttrCity),
    ("country", CmdbMsg::AttrCountry),
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
            ("planned", CmdbMsg::CiPlanned),
            ("in_use", CmdbMsg::CiInUse),
            ("maintenance", CmdbMsg::CiMaintenance),
            ("retired", CmdbMsg::CiRetired),
        ],
    )
}

pub fn criticality(lang: Lang, c: &str) -> Cow<'_, str> {
    word(
        lang,
        c,
        &[
            ("low", CmdbMsg::CritLow),
            ("medium", CmdbMsg::CritMedium),
            ("high", CmdbMsg::CritHigh),
            ("critical", CmdbMsg::CritCritical),
        ],
    )
}

pub fn portfolio(lang: Lang, p: &str) -> Cow<'_, str> {
    word(
        lang,
        p,
        &[
            ("pipeline", CmdbMsg::PortfolioPipeline),
            ("live", CmdbMsg::PortfolioLive),
            ("retired", CmdbMsg::PortfolioRetired),
        ],
    )
}

/// A relation type as a verb phrase: `runs_on` → "runs on".
pub fn relation(lang: Lang, kind: &str) -> Cow<'_, str> {
    word(
        lang,
        kind,
        &[
            ("depends_on", CmdbMsg::KindDependsOn),
            ("runs_on", CmdbMsg::KindRunsOn),
            ("hosted_on", CmdbMsg::KindHostedOn),
            ("uses", CmdbMsg::KindUses),
            ("member_of", CmdbMsg::KindMemberOf),
            ("connected_to", CmdbMsg::KindConnectedTo),
        ],
    )
}

/// What an import does with a row.
pub fn outcome(lang: Lang, o: &str) -> Cow<'_, str> {
    word(
        lang,
        o,
        &[
            ("create", CmdbMsg::OutCreate),
            ("update", CmdbMsg::OutUpdate),
            ("unchanged", CmdbMsg::OutUnchanged),
            ("reject", CmdbMsg::OutReject),
        ],
    )
}

/// A CI journal entry's action.
pub fn action(lang: Lang, a: &str) -> Cow<'_, str> {
    word(
        lang,
        a,
        &[
            ("created", CmdbMsg::CiEvCreated),
            ("updated", CmdbMsg::CiEvUpdated),
            ("relation_added", CmdbMsg::CiEvRelationAdded),
            ("relation_removed", CmdbMsg::CiEvRelationRemoved),
        ],
    )
}

/// The label of a CI field as the journal and the import name it.
pub fn field(lang: Lang, name: &str) -> Cow<'_, str> {
    let m = match name {
        "class" => CmdbMsg::CiClass,
        "status" => CmdbMsg::CiStatusLabel,
        "criticality" => CmdbMsg::Criticality,
        "owner_group" | "owner_group_id" => CmdbMsg::OwnerGroup,
        "location" | "location_id" => CmdbMsg::Location,
        "vendor" => CmdbMsg::Vendor,
        "owner" | "owner_id" => CmdbMsg::ServiceOwner,
        "support_calendar_id" => CmdbMsg::SupportHours,
        "tier" => CmdbMsg::Tier,
        "portfolio_status" => CmdbMsg::PortfolioStatus,
        "requester_visible" => CmdbMsg::VisibleToRequesters,
        "consumers" => CmdbMsg::UsedBy,
        "relation" => CmdbMsg::RelKind,
        "mapping" => CmdbMsg::Mapping,
        "file" => CmdbMsg::CsvFile,
        "as_of" => CmdbMsg::AsOf,
        "hops" => CmdbMsg::Hops,
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
