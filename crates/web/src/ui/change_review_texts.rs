//! The change review page's texts in English and Polish: the success rate
//! per type, service and group, and the failed changes with the incidents
//! they caused.

crate::i18n::catalogue! {
    /// A text of the change review page.
    enum RevMsg;
    // Review and learning (issue 12, item 6)
    Title: "Change review", "Przegląd zmian";
    Intro: "Changes whose implementation ended in the last {days} days and are closed.", "Zmiany zamknięte, których wdrożenie zakończyło się w ciągu ostatnich {days} dni.";
    Days: "Period in days", "Okres w dniach";
    Closed: "Closed", "Zamknięte";
    SuccessRate: "Success rate", "Odsetek udanych";
    FailedCount: "Failed or backed out", "Nieudane lub wycofane";
    Caused: "Caused incidents", "Spowodowały incydenty";
    ByType: "By type", "Według typu";
    ByService: "By service", "Według usługi";
    ByGroup: "By group", "Według grupy";
    NoService: "No service", "Bez usługi";
    NoGroup: "No group", "Bez grupy";
    Nothing: "No change was closed in this period.", "W tym okresie nie zamknięto żadnej zmiany.";
    FailedTitle: "Failed changes and the incidents they caused", "Nieudane zmiany i incydenty, które spowodowały";
    FailedIntro: "Changes that failed, were backed out or caused an incident, the latest first.", "Zmiany nieudane, wycofane lub takie, które spowodowały incydent; najnowsze najpierw.";
    NoFailed: "No change failed or caused an incident in this period.", "W tym okresie żadna zmiana nie zawiodła ani nie spowodowała incydentu.";
    Implemented: "Implemented", "Wdrożona";
    NoIncidents: "No incident names it as its cause.", "Żaden incydent nie wskazuje jej jako przyczyny.";
    ReviewLink: "Change review", "Przegląd zmian";
}
