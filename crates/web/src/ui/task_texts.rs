//! Change tasks' texts in English and Polish (the change page's Tasks
//! section, the task page, the task queue), and their words chosen by
//! stored keys: states, close codes, their own fields.

use crate::i18n::{Lang, t};
use steward_domain::task::{TaskCloseCode, TaskState};

crate::i18n::catalogue! {
    /// A text of change tasks' pages.
    enum TaskMsg;
    // Change tasks (issue 12)
    TasksTitle: "Tasks", "Zadania";
    MyTasksTitle: "My tasks", "Moje zadania";
    TaskQueues: "Task queues", "Kolejki zadań";
    QueueGroups: "My groups", "Moje grupy";
    QueueMe: "Assigned to me", "Przypisane do mnie";
    QueueHint: "Open tasks of changes, the highest priority and oldest first.", "Otwarte zadania zmian, od najwyższego priorytetu i najstarszych.";
    NoTasks: "No tasks yet: add the steps of the implementation.", "Brak zadań: dodaj kroki wdrożenia.";
    NoQueueTasks: "No open tasks here.", "Brak otwartych zadań.";
    ExportHint: "Every open task of this queue, not only the first 200", "Wszystkie otwarte zadania tej kolejki, nie tylko pierwsze 200";
    Step: "Step", "Krok";
    Number: "Number", "Numer";
    TaskTitle: "Title", "Tytuł";
    Change: "Change", "Zmiana";
    Assignee: "Assignee", "Wykonawca";
    State: "State", "Stan";
    Blocked: "Blocked", "Zablokowane";
    WaitsFor: "Waits for {tasks}", "Czeka na {tasks}";
    AddTask: "Add task", "Dodaj zadanie";
    AddTaskHint: "Tasks of one step run in parallel; a step starts when every task of the steps before it is closed. The change goes to review when all its tasks are closed.", "Zadania jednego kroku biegną równolegle; krok zaczyna się, gdy wszystkie zadania wcześniejszych kroków są zamknięte. Zmiana przechodzi do przeglądu, gdy wszystkie jej zadania są zamknięte.";
    StepHint: "1, 2, 3…: the same number runs in parallel.", "1, 2, 3…: ten sam numer biegnie równolegle.";
    PlannedStart: "Planned start", "Planowany początek";
    PlannedEnd: "Planned end", "Planowany koniec";
    StateOpen: "Open", "Otwarte";
    StateInProgress: "In progress", "W toku";
    StateClosed: "Closed", "Zamknięte";
    StateCancelled: "Cancelled", "Anulowane";
    CloseComplete: "Complete", "Wykonane";
    CloseIncomplete: "Incomplete", "Niedokończone";
    CloseSkipped: "Skipped", "Pominięte";
    CloseCode: "Close code", "Kod zamknięcia";
    CloseNotes: "Close notes", "Notatki zamknięcia";
    ActStart: "Start work", "Rozpocznij pracę";
    ActClose: "Close task", "Zamknij zadanie";
    ActPutBack: "Back to open", "Z powrotem do otwartych";
    ActCancel: "Cancel task", "Anuluj zadanie";
    NoMoves: "The task is done with.", "Zadanie jest zakończone.";
    EvTaskCreated: "added the task", "dodał(a) zadanie";
    FlashTaskAdded: "Task added.", "Dodano zadanie.";
    StaleTask: "Someone changed this task since you opened it: nothing was saved.", "Ktoś zmienił to zadanie, odkąd je otwarto: nic nie zapisano.";
    FieldTask: "Task", "Zadanie";
    FieldTasksCancelled: "Tasks cancelled", "Anulowane zadania";
}

pub fn state(lang: Lang, s: TaskState) -> &'static str {
    t(
        lang,
        match s {
            TaskState::Open => TaskMsg::StateOpen,
            TaskState::InProgress => TaskMsg::StateInProgress,
            TaskState::Closed => TaskMsg::StateClosed,
            TaskState::Cancelled => TaskMsg::StateCancelled,
        },
    )
}

pub fn close_code(lang: Lang, c: TaskCloseCode) -> &'static str {
    t(
        lang,
        match c {
            TaskCloseCode::Complete => TaskMsg::CloseComplete,
            TaskCloseCode::Incomplete => TaskMsg::CloseIncomplete,
            TaskCloseCode::Skipped => TaskMsg::CloseSkipped,
        },
    )
}

/// The label of a field only tasks have, or that a change's journal notes
/// of its tasks (None: not one of them).
pub fn field(lang: Lang, name: &str) -> Option<&'static str> {
    let m = match name {
        "step" => TaskMsg::Step,
        "close_notes" => TaskMsg::CloseNotes,
        "task" => TaskMsg::FieldTask,
        "tasks_cancelled" => TaskMsg::FieldTasksCancelled,
        "change" => TaskMsg::Change,
        _ => return None,
    };
    Some(t(lang, m))
}

/// A task's stored value in words: its close code (a task state the
/// incident's words do not cover is the page's own).
pub fn value(lang: Lang, field: &str, v: &str) -> Option<String> {
    match field {
        "state" if v == "open" => Some(state(lang, TaskState::Open).to_owned()),
        "resolution_code" => v.parse::<TaskCloseCode>().ok().map(|c| close_code(lang, c).to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_code_has_words_in_both_languages() {
        for s in TaskState::ALL {
            assert_ne!(state(Lang::Pl, *s), state(Lang::En, *s), "{s}");
        }
        for c in TaskCloseCode::ALL {
            assert_ne!(close_code(Lang::Pl, *c), close_code(Lang::En, *c), "{c}");
        }
        assert_eq!(value(Lang::Pl, "resolution_code", "skipped").as_deref(), Some("Pominięte"));
        assert_eq!(field(Lang::En, "tasks_cancelled"), Some("Tasks cancelled"));
    }
}
