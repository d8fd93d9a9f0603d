//! Record numbers: a kind prefix and seven digits, e.g. INC0000042.
//!
//! The prefixes are the site's choice (`[numbers]` in the configuration):
//! [`Prefixes::install`] sets them once at start, and every number shown
//! or read anywhere goes through [`RecordKind::prefix`] and
//! [`RecordNumber`]'s `Display` and `FromStr`, which read them.
//!
//! Why a process-wide table rather than a parameter: a number is written
//! in hundreds of places (pages, API answers, mail, webhooks, journal
//! texts, error messages) through `Display`, which takes no argument, and
//! the prefixes are a constant of the deployment, like its time zone
//! database: every node of one site reads the same file, and a change
//! needs a restart. Threading them through every call site would add a
//! parameter to most functions of four crates for a value that never
//! changes while the process runs. The cost is in tests: one process has
//! one table, so a test of another prefix runs in its own process (the
//! `steward` binary in `crates/cli/tests/numbers.rs`, and the
//! `prefixes` test binary of `steward-web`, every test of which installs
//! the same table). A process that never installs one uses the defaults.

use std::{borrow::Cow, fmt, str::FromStr, sync::OnceLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordNumber {
    pub kind: RecordKind,
    pub seq: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Incident,
    Problem,
    /// A knowledge article (KB).
    Article,
    /// A change (CHG).
    Change,
    /// A change task (TASK): one implementation step of a change.
    Task,
}

impl RecordKind {
    /// Every kind of record, in the order a choice between them is shown.
    pub const ALL: [RecordKind; 5] =
        [RecordKind::Incident, RecordKind::Problem, RecordKind::Article, RecordKind::Change, RecordKind::Task];

    /// The prefix this site writes the kind's numbers with (`INC` unless
    /// configured otherwise).
    pub fn prefix(self) -> &'static str {
        Prefixes::current().of(self)
    }
    /// The prefix of the kind when none is configured.
    pub fn default_prefix(self) -> &'static str {
        DEFAULTS.of(self)
    }
    /// The kind whose numbers start with `letters` (any case): the
    /// configured prefixes first, then the defaults, so that numbers written
    /// before the prefixes were changed (old links, old mail) still name
    /// their record. A default prefix that another kind now uses is that
    /// kind's.
    pub fn of_prefix(letters: &str) -> Option<RecordKind> {
        Prefixes::current().kind_of(letters)
    }
    /// The number of a record of this kind, written with the kind's prefix
    /// (any case; the configured one or the default) or bare
    /// (`INC0000042`, `inc42`, `42`); a number of another kind is none.
    pub fn seq_of(self, s: &str) -> Option<i64> {
        let s = s.trim();
        if let Ok(n) = s.parse::<i64>() {
            return (n > 0).then_some(n);
        }
        s.parse::<RecordNumber>().ok().filter(|n| n.kind == self).map(|n| n.seq)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Incident => "incident",
            RecordKind::Problem => "problem",
            RecordKind::Article => "article",
            RecordKind::Change => "change",
            RecordKind::Task => "task",
        }
    }
    /// The kind a record's `kind` column names.
    pub fn named(name: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
    /// The path of this kind's pages and of its API resource
    /// (`/incidents/INC0000001`, `/api/v1/incidents/INC0000001`).
    pub fn paths(self) -> (&'static str, &'static str) {
        match self {
            RecordKind::Incident => ("incidents", "incidents"),
            RecordKind::Problem => ("problems", "problems"),
            RecordKind::Article => ("kb", "articles"),
            RecordKind::Change => ("changes", "changes"),
            RecordKind::Task => ("tasks", "tasks"),
        }
    }
}

/// The prefixes numbers are written with, one per kind: 2 to 5 letters
/// A–Z (what the inbound mail matcher recognises as a number's start),
/// distinct from each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefixes([Cow<'static, str>; 5]);

static PREFIXES: OnceLock<Prefixes> = OnceLock::new();
static DEFAULTS: Prefixes = Prefixes::DEFAULT;

/// A prefix the configuration cannot have; `kind` names the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrefixError {
    #[error("must be 2 to 5 letters A-Z, got {given:?}")]
    NotLetters { kind: RecordKind, given: String },
    #[error("{prefix} is also the prefix of {}s: each kind needs its own", other.as_str())]
    Taken { kind: RecordKind, prefix: String, other: RecordKind },
    #[error("the prefixes were already set to others in this process")]
    AlreadySet,
}

impl PrefixError {
    /// The kind whose prefix is refused.
    pub fn kind(&self) -> Option<RecordKind> {
        match self {
            PrefixError::NotLetters { kind, .. } | PrefixError::Taken { kind, .. } => Some(*kind),
            PrefixError::AlreadySet => None,
        }
    }
}

impl Prefixes {
    /// INC, PRB, KB, CHG and TASK.
    pub const DEFAULT: Prefixes = Prefixes([
        Cow::Borrowed("INC"),
        Cow::Borrowed("PRB"),
        Cow::Borrowed("KB"),
        Cow::Borrowed("CHG"),
        Cow::Borrowed("TASK"),
    ]);

    /// The prefixes of the kinds in [`RecordKind::ALL`]'s order, checked and
    /// upper-cased (surrounding spaces ignored).
    pub fn new(given: [&str; 5]) -> Result<Prefixes, PrefixError> {
        let mut out: Vec<Cow<'static, str>> = Vec::with_capacity(5);
        for (kind, raw) in RecordKind::ALL.into_iter().zip(given) {
            let p = raw.trim();
            if !(2..=5).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(PrefixError::NotLetters { kind, given: raw.to_owned() });
            }
            let p = p.to_ascii_uppercase();
            if let Some(other) = RecordKind::ALL.into_iter().zip(&out).find_map(|(k, q)| (*q == p).then_some(k)) {
                return Err(PrefixError::Taken { kind, prefix: p, other });
            }
            out.push(Cow::Owned(p));
        }
        match <[Cow<'static, str>; 5]>::try_from(out) {
            Ok(all) => Ok(Prefixes(all)),
            Err(_) => Err(PrefixError::NotLetters { kind: RecordKind::Incident, given: String::new() }),
        }
    }

    /// The prefix of `kind`.
    pub fn of(&self, kind: RecordKind) -> &str {
        let i = match kind {
            RecordKind::Incident => 0,
            RecordKind::Problem => 1,
            RecordKind::Article => 2,
            RecordKind::Change => 3,
            RecordKind::Task => 4,
        };
        &self.0[i]
    }

    /// The table this process uses: the one installed, else the defaults.
    pub fn current() -> &'static Prefixes {
        PREFIXES.get().unwrap_or(&DEFAULTS)
    }

    /// Makes these the prefixes of this process, once, before the first
    /// number is written or read. Installing the same table again is
    /// harmless; another one is refused (numbers already shown would change).
    pub fn install(self) -> Result<(), PrefixError> {
        let installed = PREFIXES.get_or_init(|| self.clone());
        if *installed == self { Ok(()) } else { Err(PrefixError::AlreadySet) }
    }

    /// Every prefix a number may be written with in this process: the
    /// site's, then the defaults it does not use.
    pub fn known() -> Vec<&'static str> {
        Prefixes::current().accepted()
    }

    /// Every prefix a number may be written with under this table: its
    /// own, then the defaults it does not use (see [`Prefixes::kind_of`]).
    pub fn accepted(&self) -> Vec<&str> {
        let mut all: Vec<&str> = RecordKind::ALL.iter().map(|&k| self.of(k)).collect();
        for k in RecordKind::ALL {
            let d = DEFAULTS.of(k);
            if !all.iter().any(|p| p.eq_ignore_ascii_case(d)) {
                all.push(d);
            }
        }
        all
    }

    /// The kind whose numbers start with `letters` (any case) under this
    /// table: its own prefixes first, then the defaults.
    pub fn kind_of(&self, letters: &str) -> Option<RecordKind> {
        let find = |p: &Prefixes| RecordKind::ALL.into_iter().find(|&k| p.of(k).eq_ignore_ascii_case(letters));
        find(self).or_else(|| find(&DEFAULTS))
    }

    /// `n` written with this table's prefix: `INC0000042`.
    pub fn format(&self, n: RecordNumber) -> String {
        format!("{}{:07}", self.of(n.kind), n.seq)
    }

    /// A number written with one of this table's prefixes or a default
    /// one, in any case: `INC0000042`, `inc42`.
    pub fn parse(&self, s: &str) -> Result<RecordNumber, BadNumber> {
        let s = s.trim();
        // A prefix is all the letters before the digits.
        let (letters, digits) = s.split_at(s.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(s.len()));
        let kind = self.kind_of(letters).ok_or(BadNumber)?;
        if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadNumber);
        }
        let seq: i64 = digits.parse().map_err(|_| BadNumber)?;
        if seq < 1 {
            return Err(BadNumber);
        }
        Ok(RecordNumber { kind, seq })
    }
}

impl RecordNumber {
    pub fn incident(seq: i64) -> Self {
        Self { kind: RecordKind::Incident, seq }
    }
    pub fn problem(seq: i64) -> Self {
        Self { kind: RecordKind::Problem, seq }
    }
    pub fn article(seq: i64) -> Self {
        Self { kind: RecordKind::Article, seq }
    }
    pub fn change(seq: i64) -> Self {
        Self { kind: RecordKind::Change, seq }
    }
    pub fn task(seq: i64) -> Self {
        Self { kind: RecordKind::Task, seq }
    }
}

impl fmt::Display for RecordNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Prefixes::current().format(*self))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadNumber;

impl fmt::Display for BadNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = RecordKind::Incident.prefix();
        write!(f, "not a record number: expected a prefix such as {p} and digits, e.g. {}", RecordNumber::incident(1))
    }
}

impl std::error::Error for BadNumber {}

impl FromStr for RecordNumber {
    type Err = BadNumber;
    fn from_str(s: &str) -> Result<Self, BadNumber> {
        Prefixes::current().parse(s)
    }
}

/// The records a search text names by number: `INC0001127` or `inc1127`
/// names one; a bare `1127` (or `#1127`) names the record of that number of
/// every kind, so a search can go straight to it when only one exists and
/// offer the choice when several do.
pub fn numbers_in(text: &str) -> Vec<RecordNumber> {
    let text = text.trim();
    if let Ok(n) = text.parse::<RecordNumber>() {
        return vec![n];
    }
    let digits = text.strip_prefix('#').unwrap_or(text);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    match digits.parse::<i64>() {
        Ok(seq) if seq > 0 => RecordKind::ALL.iter().map(|&kind| RecordNumber { kind, seq }).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_texts_name_records_by_number() {
        let n = RecordNumber::incident(1127);
        for text in ["INC0001127", "inc1127"] {
            assert_eq!(numbers_in(text), vec![n], "{text}");
        }
        assert_eq!(numbers_in("prb1127"), vec![RecordNumber::problem(1127)]);
        // A bare number names the record of that number of every kind.
        for text in ["1127", " #1127 ", "0001127"] {
            assert_eq!(
                numbers_in(text),
                vec![
                    n,
                    RecordNumber::problem(1127),
                    RecordNumber::article(1127),
                    RecordNumber::change(1127),
                    RecordNumber::task(1127)
                ],
                "{text}"
            );
        }
        for text in ["", "vpn", "INC", "0", "#", "1127 vpn", "12345678901234", "-5"] {
            assert!(numbers_in(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn numbers_of_one_kind() {
        for s in ["INC0000042", "inc42", " 42 ", "0042"] {
            assert_eq!(RecordKind::Incident.seq_of(s), Some(42), "{s}");
        }
        assert_eq!(RecordKind::Problem.seq_of("PRB0000042"), Some(42));
        for s in ["PRB0000042", "0", "-1", "", "INC", "x42"] {
            assert_eq!(RecordKind::Incident.seq_of(s), None, "{s}");
        }
    }

    #[test]
    fn formats_and_parses() {
        let n = RecordNumber::incident(42);
        assert_eq!(n.to_string(), "INC0000042");
        assert_eq!("INC0000042".parse::<RecordNumber>(), Ok(n));
        assert_eq!("inc42".parse::<RecordNumber>(), Ok(n));
        assert_eq!(RecordNumber::incident(12_345_678).to_string(), "INC12345678");
        assert_eq!("PRB0000007".parse::<RecordNumber>(), Ok(RecordNumber::problem(7)));
        assert_eq!(RecordNumber::problem(7).to_string(), "PRB0000007");
        assert_eq!(RecordNumber::article(7).to_string(), "KB0000007");
        assert_eq!("kb7".parse::<RecordNumber>(), Ok(RecordNumber::article(7)));
        assert_eq!(RecordKind::Article.seq_of("KB0000007"), Some(7));
        assert_eq!(RecordKind::Article.seq_of("INC0000007"), None);
        for bad in ["", "INC", "KB", "KBX1", "XYZ0000001", "INC-1", "INC0000000", "INC12a", "INC9999999999999"] {
            assert!(bad.parse::<RecordNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn prefixes_are_checked_and_upper_cased() {
        let p = Prefixes::new(["tkt", " Prob ", "KB", "CHG", "TASK"]).unwrap();
        assert_eq!(
            (p.of(RecordKind::Incident), p.of(RecordKind::Problem), p.of(RecordKind::Article)),
            ("TKT", "PROB", "KB")
        );
        assert_eq!(Prefixes::new(["INC", "PRB", "KB", "CHG", "TASK"]), Ok(Prefixes::DEFAULT));
        for (given, kind, bad) in [
            (["T", "PRB", "KB", "CHG", "TASK"], RecordKind::Incident, "T"),
            (["TICKET", "PRB", "KB", "CHG", "TASK"], RecordKind::Incident, "TICKET"),
            (["INC", "PR1", "KB", "CHG", "TASK"], RecordKind::Problem, "PR1"),
            (["INC", "PRB", "K-B", "CHG", "TASK"], RecordKind::Article, "K-B"),
            (["INC", "PRB", "", "CHG", "TASK"], RecordKind::Article, ""),
            (["ŻÓŁ", "PRB", "KB", "CHG", "TASK"], RecordKind::Incident, "ŻÓŁ"),
        ] {
            let err = Prefixes::new(given).unwrap_err();
            assert_eq!(err, PrefixError::NotLetters { kind, given: bad.into() }, "{given:?}");
            assert_eq!(err.kind(), Some(kind));
            assert!(err.to_string().starts_with("must be 2 to 5 letters A-Z, got"), "{err}");
        }
        let err = Prefixes::new(["REC", "rec", "KB", "CHG", "TASK"]).unwrap_err();
        assert_eq!(err.kind(), Some(RecordKind::Problem));
        assert_eq!(err.to_string(), "REC is also the prefix of incidents: each kind needs its own");
        let err = Prefixes::new(["INC", "PRB", "inc", "CHG", "TASK"]).unwrap_err();
        assert_eq!(err.kind(), Some(RecordKind::Article), "{err}");
    }

    #[test]
    fn a_configured_table_writes_its_own_prefixes_and_still_reads_the_defaults() {
        let p = Prefixes::new(["TKT", "PROB", "ART", "CHG", "TASK"]).unwrap();
        assert_eq!(p.format(RecordNumber::incident(1)), "TKT0000001");
        assert_eq!(p.format(RecordNumber::problem(12)), "PROB0000012");
        assert_eq!(p.format(RecordNumber::article(7)), "ART0000007");
        for s in ["TKT0000001", "tkt1", " Tkt0001 ", "INC0000001", "inc1"] {
            assert_eq!(p.parse(s), Ok(RecordNumber::incident(1)), "{s}");
        }
        assert_eq!(p.parse("PRB0000012"), Ok(RecordNumber::problem(12)), "an old link still works");
        assert_eq!(p.parse("prob12"), Ok(RecordNumber::problem(12)));
        assert_eq!(p.parse("KB7"), Ok(RecordNumber::article(7)));
        assert_eq!(p.parse("chg3"), Ok(RecordNumber::change(3)));
        for bad in ["TKT", "TK1", "TKTX1", "XYZ0000001", "TKT-1", "TKT0", "CHG0"] {
            assert_eq!(p.parse(bad), Err(BadNumber), "{bad}");
        }
        assert_eq!(p.accepted(), ["TKT", "PROB", "ART", "CHG", "TASK", "INC", "PRB", "KB"]);
        // A default prefix another kind now uses is that kind's.
        let swapped = Prefixes::new(["PRB", "INC", "KB", "CHG", "TASK"]).unwrap();
        assert_eq!(swapped.parse("PRB0000003"), Ok(RecordNumber::incident(3)));
        assert_eq!(swapped.parse("inc3"), Ok(RecordNumber::problem(3)));
        assert_eq!(swapped.accepted(), ["PRB", "INC", "KB", "CHG", "TASK"]);
        // One prefix the start of another: the letters decide.
        let nested = Prefixes::new(["KBI", "PRB", "KB", "CHG", "TASK"]).unwrap();
        assert_eq!(nested.parse("KBI5"), Ok(RecordNumber::incident(5)));
        assert_eq!(nested.parse("KB5"), Ok(RecordNumber::article(5)));
    }

    #[test]
    fn the_process_table_is_the_default_until_installed() {
        // Unit tests share one process: none of them installs another table.
        assert_eq!(Prefixes::current(), &Prefixes::DEFAULT);
        assert_eq!(Prefixes::DEFAULT.clone().install(), Ok(()), "the same table again is harmless");
        let other = Prefixes::new(["TKT", "PRB", "KB", "CHG", "TASK"]).unwrap();
        assert_eq!(other.install(), Err(PrefixError::AlreadySet), "numbers already shown would change");
        assert_eq!(RecordKind::Incident.prefix(), "INC");
        assert_eq!(RecordKind::of_prefix("kb"), Some(RecordKind::Article));
        assert_eq!(
            BadNumber.to_string(),
            "not a record number: expected a prefix such as INC and digits, e.g. INC0000001"
        );
    }
}
