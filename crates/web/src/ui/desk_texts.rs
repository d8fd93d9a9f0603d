//! The service desk's texts in English and Polish: its start page with
//! the queues, "assign to me", canned replies in the comment box and on
//! their settings page, bulk changes and saved views on the incident list.

crate::i18n::catalogue! {
    /// A text of the service desk's pages and tools.
    enum DeskMsg;
    // The start page: queues
    NavHome: "Queues", "Kolejki";
    QueuesTitle: "Queues", "Kolejki";
    OpenByPriority: "Open incidents by priority", "Otwarte incydenty według priorytetu";
    QueueBreached: "Breached", "Naruszone SLA";
    QueueBreachingSoon: "Breaching soon", "Bliskie przekroczenia SLA";
    QueueAssignedToMe: "Assigned to me", "Przypisane do mnie";
    QueueGroupsUnassigned: "My groups, unassigned", "Moje grupy, nieprzypisane";
    QueueAllOpen: "All open", "Wszystkie otwarte";
    ViewAll: "View all", "Pokaż wszystkie";
    QueueEmpty: "Nothing in this queue.", "Ta kolejka jest pusta.";
    NoGroups: "You are not a member of any group.", "Nie należysz do żadnej grupy.";
    // Assign to me, canned replies in the comment box
    AssignToMe: "Assign to me", "Przypisz do mnie";
    CannedReply: "Canned reply", "Gotowa odpowiedź";
    InsertReply: "Insert", "Wstaw";
    ChooseReply: "— choose a reply —", "— wybierz odpowiedź —";
    // Bulk changes and saved views
    BulkTitle: "Change the selected incidents", "Zmień zaznaczone incydenty";
    BulkAssignee: "Assign to", "Przypisz do";
    BulkState: "Set state", "Ustaw stan";
    BulkPriority: "Set priority", "Ustaw priorytet";
    BulkStateDetails: "Hold reason, resolution", "Powód wstrzymania, rozwiązanie";
    NoChange: "— no change —", "— bez zmian —";
    Unassign: "Nobody (unassign)", "Nikt (usuń przypisanie)";
    ApplySelected: "Apply to selected", "Zastosuj do zaznaczonych";
    BulkDone: "Changed {done} of {total}.", "Zmieniono {done} z {total}.";
    BulkRefused: "Not changed:", "Nie zmieniono:";
    RefusedStale: "changed by someone else since the list was shown", "ktoś inny zmienił go po wyświetleniu listy";
    RefusedForbidden: "you may not change it", "nie możesz go zmienić";
    RefusedNotFound: "no such incident", "nie ma takiego incydentu";
    RefusedTransition: "this state change is not allowed from its current state", "ta zmiana stanu nie jest dozwolona z jego obecnego stanu";
    SavedViews: "Saved views", "Zapisane widoki";
    SaveView: "Save this view", "Zapisz ten widok";
    ViewName: "Name of the view", "Nazwa widoku";
    DeleteView: "Delete the view {name}", "Usuń widok {name}";
    NoSavedViews: "None yet: filter and sort the list, then save it under a name.", "Jeszcze żadnego: przefiltruj i posortuj listę, a potem zapisz ją pod nazwą.";
    // The canned replies' settings page
    CannedIntro: "Replies the desk inserts into a comment. These placeholders are filled for the incident: {list}.", "Odpowiedzi, które zespół wstawia do komentarza. Te pola są wypełniane danymi incydentu: {list}.";
    ReplyGroup: "Offered to", "Dla grupy";
    AllGroups: "Every group", "Wszystkie grupy";
    BodyEnglish: "Text in English", "Treść po angielsku";
    BodyPolish: "Text in Polish", "Treść po polsku";
    BodyPolishHint: "Optional: without it, requesters who read Polish get the English text.", "Opcjonalnie: bez niej zgłaszający czytający po polsku dostaną tekst angielski.";
    AddReply: "Add a reply", "Dodaj odpowiedź";
    EditReplyTitle: "Edit the reply", "Edycja odpowiedzi";
    DeleteReply: "Delete", "Usuń";
    ConfirmDeleteReply: "Delete this reply for everyone?", "Usunąć tę odpowiedź dla wszystkich?";
    NoCannedReplies: "No canned replies yet.", "Nie ma jeszcze gotowych odpowiedzi.";
    FlashReplySaved: "Reply saved.", "Zapisano odpowiedź.";
    FlashReplyDeleted: "Reply deleted.", "Usunięto odpowiedź.";
}

#[cfg(test)]
mod tests {
    use super::DeskMsg;
    use crate::i18n::{Lang, t};
    use crate::ui::incident_texts::IncMsg;

    #[test]
    fn breaching_soon_says_the_sla_is_about_to_be_missed_in_polish() {
        assert_eq!(t(Lang::Pl, DeskMsg::QueueBreachingSoon), "Bliskie przekroczenia SLA");
        assert!(t(Lang::Pl, IncMsg::SlaBreachingSoon).starts_with("Bliskie przekroczenia SLA"));
    }
}
