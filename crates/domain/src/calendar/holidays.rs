//! Holidays: Easter, the Polish statutory list, and which days of a given
//! year a set of holiday rules takes out.

use super::CalendarProblem;
use super::spec::{Holiday, MAX_EASTER_OFFSET, parse_date};
use crate::code::Code;
use jiff::SignedDuration;
use jiff::civil::Date;

/// Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher). Valid for every year jiff can represent.
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y.rem_euclid(19);
    let (b, c) = (y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    // Always 22 March ..= 25 April, so month and day fit and the date exists.
    let (month, day) = ((n / 31) as i8, (n % 31 + 1) as i8);
    Date::new(year, month, day).unwrap_or(Date::MIN)
}

/// Poland's statutory public holidays (ustawa o dniach wolnych od pracy),
/// bounded by the years each one has been a day off: Epiphany since 2011,
/// Christmas Eve since 2025, 3 May since 1990, 11 November since 1989.
/// The differing holidays of earlier decades (e.g. 22 July) are not listed.
pub fn poland_holidays() -> Vec<Holiday> {
    let yearly = |month, day, name: &str, from_year| Holiday::Yearly {
        month,
        day,
        name: name.to_owned(),
        from_year,
        until_year: None,
    };
    vec![
        yearly(1, 1, "Nowy Rok (New Year's Day)", None),
        yearly(1, 6, "Święto Trzech Króli (Epiphany)", Some(2011)),
        Holiday::easter(0, "Wielkanoc (Easter Sunday)"),
        Holiday::easter(1, "Poniedziałek Wielkanocny (Easter Monday)"),
        yearly(5, 1, "Święto Pracy (Labour Day)", None),
        yearly(5, 3, "Święto Konstytucji 3 Maja (Constitution Day)", Some(1990)),
        Holiday::easter(49, "Zielone Świątki (Pentecost Sunday)"),
        Holiday::easter(60, "Boże Ciało (Corpus Christi)"),
        yearly(8, 15, "Wniebowzięcie NMP (Assumption Day)", None),
        yearly(11, 1, "Wszystkich Świętych (All Saints' Day)", None),
        yearly(11, 11, "Narodowe Święto Niepodległości (Independence Day)", Some(1989)),
        yearly(12, 24, "Wigilia Bożego Narodzenia (Christmas Eve)", Some(2025)),
        yearly(12, 25, "Boże Narodzenie (Christmas Day)", None),
        yearly(12, 26, "Drugi dzień Bożego Narodzenia (Second Day of Christmas)", None),
    ]
}

/// Checked holiday rules, ready to be applied to any year.
#[derive(Debug, Clone, Default)]
pub(crate) struct HolidayRules {
    /// One-off days, sorted.
    dates: Vec<Date>,
    yearly: Vec<(i8, i8, Years)>,
    easter: Vec<(i16, Years)>,
}

#[derive(Debug, Clone, Copy)]
struct Years(Option<i16>, Option<i16>);

impl Years {
    fn contains(self, year: i16) -> bool {
        self.0.is_none_or(|f| year >= f) && self.1.is_none_or(|u| year <= u)
    }
}

impl HolidayRules {
    pub(crate) fn check(holidays: &[Holiday], problems: &mut Vec<CalendarProblem>) -> Self {
        let mut rules = Self::default();
        for (i, h) in holidays.iter().enumerate() {
            let field = |f: &str| format!("holidays[{i}].{f}");
            match h {
                Holiday::Date { date, .. } => match parse_date(date) {
                    Ok(d) => rules.dates.push(d),
                    Err(reason) => problems.push(CalendarProblem::new(field("date"), reason)),
                },
                Holiday::Yearly { month, day, from_year, until_year, .. } => {
                    let years = check_years(*from_year, *until_year, &field, problems);
                    if !(1..=12).contains(month) {
                        problems.push(CalendarProblem::new(
                            field("month"),
                            Code::NotMonth.msg(format!("{month} is not a month (1-12)")).with("month", month),
                        ));
                    // 2000 is a leap year, so 29 February passes.
                    } else if Date::new(2000, *month as i8, (*day).min(99) as i8).is_err() {
                        problems.push(CalendarProblem::new(
                            field("day"),
                            Code::NoDayInMonth
                                .msg(format!("month {month} has no day {day}"))
                                .with("month", month)
                                .with("day", day),
                        ));
                    } else if let Some(years) = years {
                        rules.yearly.push((*month as i8, *day as i8, years));
                    }
                }
                Holiday::Easter { offset_days, from_year, until_year, .. } => {
                    let years = check_years(*from_year, *until_year, &field, problems);
                    if offset_days.unsigned_abs() > MAX_EASTER_OFFSET.unsigned_abs() {
                        problems.push(CalendarProblem::new(
                            field("offset_days"),
                            Code::EasterOffset
                                .msg(format!(
                                    "{offset_days} is too far from Easter; keep within ±{MAX_EASTER_OFFSET} days"
                                ))
                                .with("offset", offset_days)
                                .with("max", MAX_EASTER_OFFSET),
                        ));
                    } else if let Some(years) = years {
                        rules.easter.push((*offset_days, years));
                    }
                }
            }
        }
        rules.dates.sort_unstable();
        rules.dates.dedup();
        rules
    }

    /// Marks `off[day_of_year]` (1-based) for every holiday falling in `year`.
    pub(crate) fn mark(&self, year: i16, off: &mut [bool; 367]) {
        let mut set = |d: Date| {
            if d.year() == year {
                off[d.day_of_year() as usize] = true;
            }
        };
        let first = self.dates.partition_point(|d| d.year() < year);
        for &d in self.dates[first..].iter().take_while(|d| d.year() == year) {
            set(d);
        }
        for &(month, day, years) in &self.yearly {
            if years.contains(year) {
                if let Ok(d) = Date::new(year, month, day) {
                    set(d);
                }
            }
        }
        if self.easter.is_empty() {
            return;
        }
        // ±400 days reach from the Easters of the neighbouring years too.
        for y in year.saturating_sub(2)..=year.saturating_add(2) {
            let easter = easter_sunday(y);
            for &(offset, years) in &self.easter {
                if years.contains(y) {
                    if let Ok(d) = easter.checked_add(SignedDuration::from_hours(24 * i64::from(offset))) {
                        set(d);
                    }
                }
            }
        }
    }
}

fn check_years(
    from: Option<i16>,
    until: Option<i16>,
    field: &dyn Fn(&str) -> String,
    problems: &mut Vec<CalendarProblem>,
) -> Option<Years> {
    let mut ok = true;
    for (name, y) in [("from_year", from), ("until_year", until)] {
        if let Some(y) = y {
            if !(1..=9999).contains(&y) {
                problems.push(CalendarProblem::new(
                    field(name),
                    Code::NotYear.msg(format!("{y} is not a year (1-9999)")).with("year", y),
                ));
                ok = false;
            }
        }
    }
    if let (Some(f), Some(u)) = (from, until) {
        if f > u {
            problems.push(CalendarProblem::new(
                field("until_year"),
                Code::YearsInverted.msg(format!("{u} is before from_year {f}")).with("until", u).with("from", f),
            ));
            ok = false;
        }
    }
    ok.then_some(Years(from, until))
}
