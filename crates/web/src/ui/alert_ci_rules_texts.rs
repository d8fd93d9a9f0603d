//! The CI label rules page's texts in English and Polish.

crate::i18n::catalogue! {
    /// A text of the CI label rules page.
    enum CiRulesMsg;
    // How correlation maps an alert to a CI (issue 13, item 5)
    Title: "CI label rules", "Reguły etykiet CI";
    Link: "CI rules", "Reguły CI";
    Intro: "Correlation maps each alert to a configuration item by its labels: the rules are tried in order, and the first that finds a CI wins. An alert mapped to no CI is kept and shown, but opens no incident.", "Korelacja przypisuje każdy alert do elementu konfiguracji według jego etykiet: reguły są sprawdzane po kolei i wygrywa pierwsza, która znajdzie CI. Alert bez CI jest przechowywany i pokazywany, ale nie otwiera zgłoszenia.";
    Rules: "Rules in force", "Obowiązujące reguły";
    Order: "Order", "Kolejność";
    Label: "Label", "Etykieta";
    Matched: "Looked up in", "Szukana w";
    OnName: "the names of CIs", "nazwach CI";
    OnService: "the names of services", "nazwach usług";
    OnAttribute: "the CI attribute {attribute}", "atrybucie CI {attribute}";
    Also: "Also tried", "Sprawdzane także";
    StripPort: "without the port", "bez portu";
    ShortHost: "the short host name", "krótka nazwa hosta";
    Nothing: "—", "—";
    NoRules: "No rules: no alert is mapped to a CI.", "Brak reguł: żaden alert nie jest przypisywany do CI.";
    EditTitle: "Change the rules", "Zmień reguły";
    EditHint: "The rules as JSON, as GET /api/v1/alert-ci-rules gives them: rules, each with label, match (name, service or attribute), attribute (with match attribute only), strip_port and short_host (true or false). Saving maps again the firing alerts that found no CI.", "Reguły jako JSON, takie jak zwraca GET /api/v1/alert-ci-rules: rules, każda z label, match (name, service albo attribute), attribute (tylko przy match attribute), strip_port i short_host (true albo false). Zapisanie przypisuje ponownie trwające alerty, które nie znalazły CI.";
    Json: "Rules (JSON)", "Reguły (JSON)";
    Save: "Save the rules", "Zapisz reguły";
    Reset: "Go back to the built-in rules", "Przywróć wbudowane reguły";
    Saved: "The rules are saved: the next correlation pass maps alerts with them.", "Reguły zapisano: następny przebieg korelacji przypisze według nich alerty.";
    WasReset: "The built-in rules are back in force.", "Przywrócono wbudowane reguły.";
    FormErrors: "The rules were not saved:", "Nie zapisano reguł:";
    NotJson: "not JSON as the rules need it: {reason}", "to nie jest JSON, jakiego wymagają reguły: {reason}";
}
