//! The risk questionnaire page's texts in English and Polish.

crate::i18n::catalogue! {
    /// A text of the risk questionnaire page.
    enum RiskMsg;
    // The configurable risk questionnaire (issue 12, item 2)
    Title: "Risk questionnaire", "Kwestionariusz ryzyka";
    Link: "How risk is scored", "Jak liczy się ryzyko";
    Intro: "Each answer adds its weight to a change's score; the score gives the level, and from {level} up a change must go to the CAB. A new questionnaire scores the changes assessed from then on: those assessed before keep their score.", "Każda odpowiedź dodaje swoją wagę do wyniku zmiany; wynik wyznacza poziom, a od poziomu {level} zmiana musi trafić do komitetu CAB. Nowy kwestionariusz ocenia zmiany od chwili zapisania: wcześniej ocenione zachowują swój wynik.";
    Levels: "Levels", "Poziomy";
    Level: "Level", "Poziom";
    FromScore: "From score", "Od wyniku";
    Cab: "CAB", "CAB";
    Questions: "Questions", "Pytania";
    Answer: "Answer", "Odpowiedź";
    Key: "Key", "Klucz";
    Weight: "Weight", "Waga";
    MaxScore: "The highest possible score is {score}.", "Najwyższy możliwy wynik to {score}.";
    EditTitle: "Change the questionnaire", "Zmień kwestionariusz";
    EditHint: "The questionnaire as JSON, as GET /api/v1/risk-questionnaire gives it: questions (key, text_en, text_pl, answers with key, texts and weight 0–1,000; at most 30 questions of 20 answers), levels (min_score from 0, rising) and cab_from.", "Kwestionariusz jako JSON, taki jak zwraca GET /api/v1/risk-questionnaire: questions (key, text_en, text_pl, answers z kluczem, tekstami i wagą 0–1000; najwyżej 30 pytań po 20 odpowiedzi), levels (min_score od 0, rosnąco) i cab_from.";
    Json: "Questionnaire (JSON)", "Kwestionariusz (JSON)";
    Save: "Save the questionnaire", "Zapisz kwestionariusz";
    Reset: "Go back to the built-in questionnaire", "Przywróć wbudowany kwestionariusz";
    Saved: "The questionnaire is saved: new assessments use it.", "Kwestionariusz zapisano: nowe oceny będą go używać.";
    WasReset: "The built-in questionnaire is back in force.", "Przywrócono wbudowany kwestionariusz.";
    FormErrors: "The questionnaire was not saved:", "Nie zapisano kwestionariusza:";
    NotJson: "not JSON as the questionnaire needs it: {reason}", "to nie jest JSON, jakiego wymaga kwestionariusz: {reason}";
}
