use super::*;
use crate::Role;
use crate::access::Denied;
use crate::text::TextError;
use proptest::prelude::*;

const MINUTE: i64 = 60 * 1_000_000;
const DAY: i64 = 24 * 60 * MINUTE;

fn tr(lang: Lang, title: &str, body: &str) -> Translation {
    Translation { lang, title: title.into(), body: body.into() }
}

fn fields(translations: Vec<Translation>) -> ArticleFields {
    ArticleFields { audience: Audience::Requesters, category: Some("  Printing ".into()), translations }
}

#[test]
fn an_article_in_two_languages_is_checked_and_trimmed() {
    let ok = check_article(fields(vec![
        tr(Lang::En, " Printer jams ", "# Clear the tray\r\n\n1. Open it"),
        tr(Lang::Pl, "Zacięcia drukarki", "Otwórz podajnik"),
    ]))
    .unwrap();
    assert_eq!(ok.category.as_deref(), Some("Printing"));
    assert_eq!(ok.translations[0], tr(Lang::En, "Printer jams", "# Clear the tray\n\n1. Open it"));
    let no_category =
        check_article(ArticleFields { category: Some("  ".into()), ..fields(vec![tr(Lang::En, "t", "b")]) });
    assert_eq!(no_category.unwrap().category, None);
}

#[test]
fn every_bad_field_is_named() {
    let errors = check_article(ArticleFields {
        audience: Audience::Staff,
        category: Some("c".repeat(101)),
        translations: vec![tr(Lang::En, "", "body"), tr(Lang::En, "Title\nsplit", "   ")],
    })
    .unwrap_err();
    let got: Vec<(String, String)> = errors.iter().map(|e| (e.field(), e.to_string())).collect();
    let want = [
        ("category", "category is too long: at most 100 characters, got 101"),
        ("translations[0].title", "translations[0].title is required"),
        ("translations[1].title", "translations[1].title must be a single line"),
        ("translations[1].body", "translations[1].body is required"),
        ("translations[1].lang", "translations[1].lang: en is given twice; an article has one text per language"),
    ];
    assert_eq!(got, want.map(|(f, m)| (f.to_owned(), m.to_owned())));
}

#[test]
fn an_article_needs_a_language() {
    let errors = check_article(fields(vec![])).unwrap_err();
    assert_eq!(errors, [ArticleError::NoTranslation]);
    assert_eq!(
        (errors[0].field(), errors[0].to_string()),
        ("translations".into(), "translations: at least one language is required".into())
    );
    assert_eq!("de".parse::<Lang>().unwrap_err(), "unknown language \"de\": must be one of en, pl");
}

#[test]
fn bodies_are_limited_in_bytes() {
    let at_limit = "ż".repeat(BODY_MAX_BYTES / 2);
    assert!(check_article(fields(vec![tr(Lang::Pl, "t", &at_limit)])).is_ok());
    let over = format!("{at_limit}x");
    let errors = check_article(fields(vec![tr(Lang::Pl, "t", &over)])).unwrap_err();
    assert_eq!(errors, [ArticleError::BodyTooLarge { field: "translations[0].body".into(), got: BODY_MAX_BYTES + 1 }]);
    assert_eq!(errors[0].to_string(), "translations[0].body is too large: at most 204800 bytes, got 204801");
    let errors = check_article(fields(vec![tr(Lang::En, "t", "nul\u{0}")])).unwrap_err();
    assert_eq!(errors, [ArticleError::Text { field: "translations[0].body".into(), error: TextError::Control }]);
}

#[test]
fn titles_take_200_characters() {
    assert!(check_article(fields(vec![tr(Lang::Pl, &"ł".repeat(200), "b")])).is_ok());
    let errors = check_article(fields(vec![tr(Lang::Pl, &"ł".repeat(201), "b")])).unwrap_err();
    assert_eq!(errors[0].to_string(), "translations[0].title is too long: at most 200 characters, got 201");
}

#[test]
fn review_dates() {
    let published = 1_000 * DAY;
    assert!(!review_due(None, Some(0), published), "a draft is never due");
    assert!(!review_due(Some(published), Some(published + DAY), published + DAY - 1));
    assert!(review_due(Some(published), Some(published + DAY), published + DAY));
    assert!(!review_due(Some(published), None, published + DEFAULT_REVIEW_AFTER - 1));
    assert!(review_due(Some(published), None, published + DEFAULT_REVIEW_AFTER), "a year without a date");
    assert!(!review_due(Some(i64::MAX - 1), None, i64::MAX - 1), "no overflow");
    assert!(check_review_by(published + 1, published).is_ok());
    let err = check_review_by(published, published).unwrap_err();
    assert_eq!((err.field(), err.to_string()), ("review_by".into(), "review_by must be in the future".into()));
}

#[test]
fn feedback_comments_are_optional_and_limited() {
    assert_eq!(Feedback::new(true, None).unwrap(), Feedback { helpful: true, comment: None });
    assert_eq!(Feedback::new(false, Some("  ")).unwrap().comment, None);
    assert_eq!(Feedback::new(false, Some(" step 3 fails\r\n")).unwrap().comment.as_deref(), Some("step 3 fails"));
    assert!(Feedback::new(false, Some(&"ż".repeat(2_000))).is_ok());
    let err = Feedback::new(false, Some(&"x".repeat(2_001))).unwrap_err();
    assert_eq!(err, TextError::TooLong { max: 2_000, got: 2_001 });
    assert_eq!(Feedback::new(true, Some("\u{1b}[31m")).unwrap_err(), TextError::Control);
}

#[test]
fn deflection_is_decided_after_thirty_minutes() {
    let opened = 500 * DAY;
    assert_eq!(deflected(opened, None, opened + 29 * MINUTE), None, "still deciding");
    assert_eq!(deflected(opened, None, opened + 30 * MINUTE), Some(true));
    assert_eq!(deflected(opened, Some(opened + 5 * MINUTE), opened + 6 * MINUTE), Some(false), "reported at once");
    assert_eq!(deflected(opened, Some(opened + 30 * MINUTE - 1), opened + DAY), Some(false));
    assert_eq!(deflected(opened, Some(opened + 30 * MINUTE), opened + DAY), Some(true), "a later report is new");
    assert_eq!(deflected(opened, Some(opened), opened), Some(false));
}

proptest! {
    #[test]
    fn deflection_is_final_once_decided(opened in 0_i64..1_000_000 * MINUTE, report in proptest::option::of(0_i64..90 * MINUTE), now in 0_i64..120 * MINUTE) {
        let report = report.map(|r| opened + r);
        if let Some(decided) = deflected(opened, report, opened + now) {
            for later in [now + 1, now + MINUTE, now + 300 * MINUTE] {
                prop_assert_eq!(deflected(opened, report, opened + later), Some(decided));
            }
        }
        prop_assert_eq!(deflected(opened, report, opened + now).is_none(), now < 30 * MINUTE && report.is_none_or(|r| r >= opened + 30 * MINUTE));
    }
}

#[test]
fn names_round_trip() {
    for s in VersionState::ALL {
        assert_eq!(s.as_str().parse::<VersionState>(), Ok(*s));
    }
    for a in Audience::ALL {
        assert_eq!(a.as_str().parse::<Audience>(), Ok(*a));
        assert_eq!(serde_json::to_value(a).unwrap(), serde_json::json!(a.as_str()));
    }
    let t: Translation = serde_json::from_str(r#"{"lang":"pl","title":"t","body":"b"}"#).unwrap();
    assert_eq!(t.lang, Lang::Pl);
}

#[test]
fn knowledge_role_matrix() {
    use VersionState::*;
    for role in Role::ALL {
        let staff = role.is_staff();
        let manager = matches!(role, Role::Manager | Role::Admin);
        for is_author in [false, true] {
            let own = staff && (is_author || manager);
            assert!(can_read_version(role, is_author, Audience::Requesters, Published).is_ok());
            assert_eq!(can_read_version(role, is_author, Audience::Staff, Published).is_ok(), staff);
            assert_eq!(can_read_version(role, is_author, Audience::Requesters, Retired).is_ok(), staff);
            assert_eq!(can_read_version(role, is_author, Audience::Requesters, Superseded).is_ok(), staff);
            for s in [Draft, InReview, Discarded] {
                assert_eq!(can_read_version(role, is_author, Audience::Requesters, s).is_ok(), own, "{role} {s}");
            }
            assert_eq!(can_write_articles(role).is_ok(), staff);
            assert_eq!(can_edit_version(role, is_author).is_ok(), own, "{role} edit");
            for to in [InReview, Draft, Discarded] {
                assert_eq!(can_move_version(role, is_author, to).is_ok(), own, "{role} {to}");
            }
            assert_eq!(can_move_version(role, is_author, Published).is_ok(), manager, "{role} publish");
            assert_eq!(can_move_version(role, is_author, Retired).is_ok(), manager, "{role} retire");
        }
    }
    assert_eq!(visible_audiences(Role::Requester), [Audience::Requesters]);
    let denied = |r: Result<(), Denied>| r.unwrap_err().0;
    assert_eq!(
        denied(can_read_version(Role::Requester, false, Audience::Staff, Published)),
        "this article is for staff only"
    );
    assert_eq!(
        denied(can_read_version(Role::Requester, true, Audience::Requesters, Draft)),
        "this article is not published"
    );
    assert_eq!(
        denied(can_read_version(Role::Agent, false, Audience::Staff, InReview)),
        "only its author, managers and admins can read an unpublished version"
    );
    assert_eq!(denied(can_write_articles(Role::Requester)), "only agents, managers and admins can write articles");
    assert_eq!(denied(can_edit_version(Role::Agent, false)), "only its author, managers and admins can change a draft");
    assert_eq!(denied(can_move_version(Role::Agent, true, Published)), "only managers and admins can publish articles");
    assert_eq!(denied(can_move_version(Role::Agent, true, Retired)), "only managers and admins can retire articles");
}
