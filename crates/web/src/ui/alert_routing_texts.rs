//! The alert routing page's texts in English and Polish.

crate::i18n::catalogue! {
    /// A text of the alert routing page.
    enum RoutingMsg;
    // Alert routing, receivers and inhibition (issue 13, item 4)
    Title: "Alert routing", "Kierowanie alertów";
    Link: "Routing", "Kierowanie";
    Intro: "Each alert goes down the tree: the first matching route takes it (and the next ones too while a route says continue); a route none of whose children match takes it itself. Its group there (the group_by labels) is notified to the route's receiver after group_wait, then every group_interval when something changed, and again after repeat_interval. Silenced and inhibited alerts are not notified.", "Każdy alert schodzi w dół drzewa: bierze go pierwsza pasująca trasa (i kolejne, dopóki trasa ma continue); trasa, do której nie pasuje żadne dziecko, bierze go sama. Jego grupa w tej trasie (etykiety group_by) trafia do odbiorcy trasy po group_wait, potem co group_interval, gdy coś się zmieniło, i ponownie po repeat_interval. Alerty wyciszone i wstrzymane nie są wysyłane.";
    Tree: "Routes", "Trasy";
    Matchers: "Matchers", "Warunki";
    Everything: "every alert", "każdy alert";
    Receiver: "Receiver", "Odbiorca";
    GroupBy: "Grouped by", "Grupowanie";
    AllLabels: "every label", "wszystkie etykiety";
    NoGrouping: "one group", "jedna grupa";
    Timing: "Wait / interval / repeat", "Oczekiwanie / odstęp / powtórka";
    Continues: "then the next routes too", "potem także kolejne trasy";
    Receivers: "Receivers", "Odbiorcy";
    Targets: "Targets", "Cele";
    NoTargets: "nobody: the alerts are only kept and shown here", "nikt: alerty są tylko przechowywane i pokazywane tutaj";
    TargetGroup: "e-mail to the members of {group}", "e-mail do członków grupy {group}";
    TargetUsers: "e-mail to {users}", "e-mail do: {users}";
    TargetWebhook: "Alertmanager webhook (v4) to {to}", "webhook Alertmanagera (v4) do {to}";
    TargetChat: "{format} message to {to}", "wiadomość {format} do {to}";
    Inhibition: "Inhibition rules", "Reguły wstrzymywania";
    NoInhibition: "No inhibition rules.", "Brak reguł wstrzymywania.";
    Source: "While an alert fires that matches", "Gdy trwa alert pasujący do";
    Target: "alerts matching", "alerty pasujące do";
    Equal: "with the same", "o tych samych";
    EditTitle: "Change the routing", "Zmień kierowanie";
    EditHint: "The routing as JSON, as GET /api/v1/alert-routing gives it: route (receiver, matchers, group_by, group_wait, group_interval, repeat_interval in seconds, continue, routes), receivers (name and targets, each with a type: group with group; users with users; webhook with webhook or url; chat with format slack or teams and webhook or url) and inhibit_rules (source_matchers, target_matchers, equal).", "Kierowanie jako JSON, takie jak zwraca GET /api/v1/alert-routing: route (receiver, matchers, group_by, group_wait, group_interval, repeat_interval w sekundach, continue, routes), receivers (name i targets, każdy z type: group z group; users z users; webhook z webhook albo url; chat z format slack albo teams i webhook albo url) oraz inhibit_rules (source_matchers, target_matchers, equal).";
    Json: "Routing (JSON)", "Kierowanie (JSON)";
    Save: "Save the routing", "Zapisz kierowanie";
    Reset: "Go back to the built-in routing", "Przywróć wbudowane kierowanie";
    Saved: "The routing is saved: alerts are routed with it from now on.", "Kierowanie zapisano: od teraz alerty są kierowane według niego.";
    WasReset: "The built-in routing is back in force.", "Przywrócono wbudowane kierowanie.";
    FormErrors: "The routing was not saved:", "Nie zapisano kierowania:";
    NotJson: "not JSON as the routing needs it: {reason}", "to nie jest JSON, jakiego wymaga kierowanie: {reason}";
    Seconds: "{wait} s / {interval} s / {repeat} s", "{wait} s / {interval} s / {repeat} s";
}
