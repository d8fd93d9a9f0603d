//! The CAB agenda page's texts in English and Polish.

crate::i18n::catalogue! {
    /// A text of the CAB agenda page.
    enum CabMsg;
    // The CAB's agenda and meetings (issue 12, item 2)
    Title: "CAB agenda", "Agenda komitetu CAB";
    Link: "CAB agenda", "Agenda CAB";
    Group: "Approval group", "Grupa zatwierdzająca";
    Show: "Show", "Pokaż";
    Next: "Next meeting: {when}", "Najbliższe posiedzenie: {when}";
    Meets: "Meets every {days} at {start} for {minutes} minutes ({zone}).", "Zbiera się w każdy dzień: {days}, o {start} przez {minutes} minut ({zone}).";
    NoMeeting: "No meetings are set for this group: its agenda is every change waiting for it.", "Dla tej grupy nie ustalono posiedzeń: jej agenda to wszystkie zmiany, które na nią czekają.";
    Nothing: "No change is waiting for this group's decision.", "Żadna zmiana nie czeka na decyzję tej grupy.";
    Window: "Planned window", "Planowane okno";
    NoWindow: "Not planned yet", "Jeszcze nie zaplanowano";
    WaitingFor: "Waiting for", "Czeka na";
    Before: "Starts before the meeting: decide out of session or move the window.", "Zaczyna się przed posiedzeniem: zdecyduj poza posiedzeniem albo przesuń okno.";
    SetTitle: "When the group meets", "Kiedy zbiera się grupa";
    Save: "Save meetings", "Zapisz posiedzenia";
    Remove: "Remove meetings", "Usuń posiedzenia";
    Saved: "The meetings are saved.", "Posiedzenia zapisano.";
    Removed: "The meetings are removed.", "Posiedzenia usunięto.";
    FormErrors: "The meetings were not saved: see the fields below.", "Nie zapisano posiedzeń: zobacz pola poniżej.";
    NoGroups: "There are no groups yet.", "Nie ma jeszcze żadnych grup.";
}
