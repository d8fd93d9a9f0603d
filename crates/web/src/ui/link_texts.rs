//! The texts of the links between records (the "Related records" panel
//! every record's page has, and the journal's words for links).

use crate::i18n::{Lang, t};
use steward_domain::links::LinkType;

crate::i18n::catalogue! {
    /// A text of the links between records.
    enum LinkMsg;
    RelatedRecords: "Related records", "Powiązane rekordy";
    NoLinks: "No links to other records yet.", "Brak powiązań z innymi rekordami.";
    GroupParent: "Parent", "Nadrzędny";
    GroupChild: "Children", "Podrzędne";
    GroupDuplicateOf: "Duplicate of", "Duplikat rekordu";
    GroupDuplicates: "Its duplicates", "Jego duplikaty";
    GroupRelated: "Related", "Powiązane";
    GroupCausedBy: "Caused by", "Spowodowany przez";
    GroupCauses: "Caused", "Spowodował";
    GroupDocuments: "Documents", "Opisuje";
    GroupDocumentedBy: "Documented by", "Opisany w";
    GroupCausedByChange: "Caused by the change", "Spowodowany przez zmianę";
    GroupChangeCaused: "What this change caused", "Skutki tej zmiany";
    ChooseCausedByChange: "Caused by the change", "Spowodowany przez zmianę";
    ChooseChangeCaused: "It caused", "Spowodowała";
    ChooseParent: "Its parent is", "Jego nadrzędny to";
    ChooseChild: "Add a child", "Dodaj podrzędny";
    ChooseDuplicateOf: "It duplicates", "Jest duplikatem rekordu";
    ChooseDuplicates: "It is duplicated by", "Jego duplikat to";
    ChooseRelated: "Related to", "Powiązany z";
    LinkHow: "Link", "Powiązanie";
    LinkRecord: "Record number", "Numer rekordu";
    LinkRecordHint: "An incident, problem, change or article, e.g. {number}", "Incydent, problem, zmiana lub artykuł, np. {number}";
    LinkSubmit: "Link", "Powiąż";
    LinkRemove: "Remove the link to {number}", "Usuń powiązanie z {number}";
    FlashLinkMade: "Link made.", "Utworzono powiązanie.";
    FlashLinkRemoved: "Link removed.", "Usunięto powiązanie.";
}

/// The heading of a group of links.
pub fn group(link: LinkType) -> LinkMsg {
    match link {
        LinkType::Parent => LinkMsg::GroupParent,
        LinkType::Child => LinkMsg::GroupChild,
        LinkType::DuplicateOf => LinkMsg::GroupDuplicateOf,
        LinkType::Duplicates => LinkMsg::GroupDuplicates,
        LinkType::Related => LinkMsg::GroupRelated,
        LinkType::CausedBy => LinkMsg::GroupCausedBy,
        LinkType::Causes => LinkMsg::GroupCauses,
        LinkType::Documents => LinkMsg::GroupDocuments,
        LinkType::DocumentedBy => LinkMsg::GroupDocumentedBy,
        LinkType::CausedByChange => LinkMsg::GroupCausedByChange,
        LinkType::ChangeCaused => LinkMsg::GroupChangeCaused,
    }
}

/// The choice of the link to make, as the form offers it.
pub fn choice(link: LinkType) -> LinkMsg {
    match link {
        LinkType::Parent => LinkMsg::ChooseParent,
        LinkType::Child => LinkMsg::ChooseChild,
        LinkType::DuplicateOf => LinkMsg::ChooseDuplicateOf,
        LinkType::Duplicates => LinkMsg::ChooseDuplicates,
        LinkType::CausedByChange => LinkMsg::ChooseCausedByChange,
        LinkType::ChangeCaused => LinkMsg::ChooseChangeCaused,
        _ => LinkMsg::ChooseRelated,
    }
}

/// A journal field that names a link (`duplicate_of`, `child`, …).
pub fn field(lang: Lang, name: &str) -> Option<&'static str> {
    LinkType::ALL.into_iter().find(|l| l.as_str() == name).map(|l| t(lang, group(l)))
}
