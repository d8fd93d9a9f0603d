//! The change review page's texts in English and Polish: the success rate
//! per type, service and group, and the failed changes with the incidents
//! they caused.

crate::i18n::catalogue! {
    /// A text of the change review page.
    enum RevMsg;
    // Review and learning (issue 12, item 6)
    RevTitle: "Change review", "Przegląd zmian";
    RevIntro: "Changes whose implementation ended in the last {days} days and are closed.", "Zmiany zamknięte, których wdrożenie zakończyło się w ciągu ostatnich {days} dni.";
    RevDays: "Period in days", "Okres w dniach";
    RevClosed: "Closed", "Zamknięte";
    RevSuccessRate: "Success rate", "Odsetek udanych";
    RevFailedCount: "Failed or backed out", "Nieudane lub wycofane";
    RevCaused: "Caused incidents", "Spowodowały incydenty";
    RevByType: "By type", "Według typu";
    RevByService: "By service", "Według usługi";
    RevByGroup: "By group", "Według grupy";
    RevNoService: "No service", "Bez usługi";
    RevNoGroup: "No group", "Bez grupy";
    RevNothing: "No change was closed in this period.", "W tym okresie nie zamknięto żadnej zmiany.";
    RevFailedTitle: "Failed changes and the incidents they caused", "Nieudane zmiany i incydenty, które spowodowały";
    RevFailedIntro: "Changes that failed, were backed out or caused an incident, the latest first.", "Zmiany nieudane, wycofane lub takie, które spowodowały incydent; najnowsze najpierw.";
    RevNoFailed: "No change failed or caused an incident in this period.", "W tym okresie żadna zmiana nie zawiodła ani nie spowodowała incydentu.";
    RevImplemented: "Implemented", "Wdrożona";
    RevNoIncidents: "No incident names it as its cause.", "Żaden incydent nie wskazuje jej jako przyczyny.";
    RevReviewLink: "Change review", "Przegląd zmian";
}
