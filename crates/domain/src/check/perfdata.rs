//! Performance data as the Nagios plugin API writes it:
//! `'label'=value[UOM];[warn];[crit];[min];[max]`, space separated.
//!
//! Labels may be quoted with `'` (needed for spaces and `=`), a quote inside
//! written `''`. The value may be `U` (undetermined). Warning and critical
//! are Nagios ranges (`10`, `10:`, `~:10`, `@10:20`) kept as written;
//! min and max are numbers. A datum that breaks the format is left out
//! rather than failing the whole result, as graphers do.

use serde::{Deserialize, Serialize};

/// One measured value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerfDatum {
    pub label: String,
    /// `None` for `U`, a value the plugin could not determine.
    pub value: Option<f64>,
    pub uom: Uom,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// The unit of a value, as the plugin API lists them (plus `GB`, which
/// current plugins write); any other suffix is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Uom {
    /// A plain number (users, processes, load).
    None,
    Seconds,
    Milliseconds,
    Microseconds,
    Percent,
    Bytes,
    Kilobytes,
    Megabytes,
    Gigabytes,
    Terabytes,
    /// A continuous counter (`c`), such as bytes through an interface.
    Counter,
    Other(String),
}

impl Uom {
    pub fn parse(s: &str) -> Uom {
        match s {
            "" => Uom::None,
            "s" => Uom::Seconds,
            "ms" => Uom::Milliseconds,
            "us" => Uom::Microseconds,
            "%" => Uom::Percent,
            "B" => Uom::Bytes,
            "KB" => Uom::Kilobytes,
            "MB" => Uom::Megabytes,
            "GB" => Uom::Gigabytes,
            "TB" => Uom::Terabytes,
            "c" => Uom::Counter,
            other => Uom::Other(other.to_owned()),
        }
    }

    /// The suffix as written after a value.
    pub fn as_str(&self) -> &str {
        match self {
            Uom::None => "",
            Uom::Seconds => "s",
            Uom::Milliseconds => "ms",
            Uom::Microseconds => "us",
            Uom::Percent => "%",
            Uom::Bytes => "B",
            Uom::Kilobytes => "KB",
            Uom::Megabytes => "MB",
            Uom::Gigabytes => "GB",
            Uom::Terabytes => "TB",
            Uom::Counter => "c",
            Uom::Other(s) => s,
        }
    }
}

/// Every well-formed datum of `text`, in order.
pub fn parse(text: &str) -> Vec<PerfDatum> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let (datum, after) = one(rest);
        out.extend(datum);
        rest = after.trim_start();
    }
    out
}

/// Reads one datum from the start of `s`; returns it (if well formed) and
/// what follows it.
fn one(s: &str) -> (Option<PerfDatum>, &str) {
    let (label, after_label) = match label(s) {
        Some(found) => found,
        None => return (None, skip_token(s)),
    };
    let Some(after_eq) = after_label.strip_prefix('=') else {
        return (None, skip_token(after_label));
    };
    let end = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
    let (fields, rest) = after_eq.split_at(end);
    (datum(label, fields), rest)
}

/// A quoted (`'a ''b'' c'`) or bare label, and what follows it.
fn label(s: &str) -> Option<(String, &str)> {
    if let Some(quoted) = s.strip_prefix('\'') {
        let mut label = String::new();
        let mut chars = quoted.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\'' {
                label.push(c);
            } else if chars.peek().map(|&(_, n)| n) == Some('\'') {
                label.push('\'');
                chars.next();
            } else {
                return (!label.is_empty()).then(|| (label, &quoted[i + 1..]));
            }
        }
        None
    } else {
        let end = s.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(s.len());
        (end > 0).then(|| (s[..end].to_owned(), &s[end..]))
    }
}

/// Past the current whitespace-separated token (a quoted label counts as
/// part of it).
fn skip_token(s: &str) -> &str {
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    &s[end..]
}

fn datum(label: String, fields: &str) -> Option<PerfDatum> {
    let mut parts = fields.split(';');
    let first = parts.next()?;
    let (value, uom) = if let Some(uom) = first.strip_prefix('U') {
        (None, uom)
    } else {
        let (n, uom) = number_prefix(first)?;
        (Some(n), uom)
    };
    // A unit is letters or `%` (`Kbps`, `req/s` too); anything else after
    // the number (`1,5`) is not a number the API allows.
    if !uom.chars().all(|c| c.is_alphabetic() || c == '%' || c == '/') {
        return None;
    }
    let mut text = || parts.next().map(str::trim).filter(|p| !p.is_empty());
    let warn = text().map(str::to_owned);
    let crit = text().map(str::to_owned);
    // A min or max that is not a number is dropped, the value kept.
    let min = text().and_then(|p| number_prefix(p).map(|(n, _)| n));
    let max = text().and_then(|p| number_prefix(p).map(|(n, _)| n));
    Some(PerfDatum { label, value, uom: Uom::parse(uom), warn, crit, min, max })
}

/// The number at the start of `s` (the class `[-0-9.]` of the API, and a
/// leading `+`) and the rest.
fn number_prefix(s: &str) -> Option<(f64, &str)> {
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+')).unwrap_or(s.len());
    let n: f64 = s[..end].parse().ok()?;
    n.is_finite().then_some((n, &s[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(label: &str, value: f64, uom: Uom) -> PerfDatum {
        PerfDatum { label: label.into(), value: Some(value), uom, warn: None, crit: None, min: None, max: None }
    }

    #[test]
    fn check_http_s_perfdata() {
        let got = parse("time=0.002370s;;;0.000000;10.000000 size=10863B;;;0");
        assert_eq!(
            got,
            [
                PerfDatum { min: Some(0.0), max: Some(10.0), ..d("time", 0.00237, Uom::Seconds) },
                PerfDatum { min: Some(0.0), ..d("size", 10863.0, Uom::Bytes) },
            ]
        );
    }

    #[test]
    fn check_load_s_perfdata_with_ranges() {
        let got = parse("load1=0.120;15.000;30.000;0; load5=0.080;10.000;25.000;0; load15=0.050;5.000;20.000;0; ");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].label, "load1");
        assert_eq!(got[0].warn.as_deref(), Some("15.000"));
        assert_eq!(got[2].crit.as_deref(), Some("20.000"));
        assert_eq!((got[2].min, got[2].max, &got[2].uom), (Some(0.0), None, &Uom::None));
    }

    #[test]
    fn check_disk_s_quoted_paths_and_range_syntax() {
        let got = parse("'/'=9650MB;15634;17588;0;19543 '/boot/efi'=6MB;;;0;511 'C:\\ Label: x'=1GB;~:10;@5:8;0;");
        assert_eq!(got[0].label, "/");
        assert_eq!((got[0].value, &got[0].uom, got[0].max), (Some(9650.0), &Uom::Megabytes, Some(19543.0)));
        assert_eq!(got[1].label, "/boot/efi");
        assert_eq!(got[2].label, "C:\\ Label: x");
        assert_eq!((got[2].warn.as_deref(), got[2].crit.as_deref()), (Some("~:10"), Some("@5:8")));
    }

    #[test]
    fn quotes_inside_a_label_are_doubled() {
        let got = parse("'it''s here'=1c 'a=b'=2%");
        assert_eq!(got, [d("it's here", 1.0, Uom::Counter), d("a=b", 2.0, Uom::Percent)]);
    }

    #[test]
    fn undetermined_values_and_every_listed_unit() {
        let got = parse("a=U b=Us c=1ms d=2us e=3KB f=4TB g=5 h=-1.5 i=7Kbps");
        assert_eq!(got[0], PerfDatum { value: None, ..d("a", 0.0, Uom::None) });
        assert_eq!(got[1], PerfDatum { value: None, ..d("b", 0.0, Uom::Seconds) });
        let units: Vec<&str> = got.iter().map(|p| p.uom.as_str()).collect();
        assert_eq!(units, ["", "s", "ms", "us", "KB", "TB", "", "", "Kbps"]);
        assert_eq!(got[7].value, Some(-1.5));
        assert_eq!(got[8].uom, Uom::Other("Kbps".into()));
    }

    #[test]
    fn broken_data_is_left_out_and_the_rest_kept() {
        let got = parse("nolabel = =5 x=abc 'open=1 y=2");
        assert_eq!(got, [d("y", 2.0, Uom::None)]);
        let got = parse("x=abc y=2 z=3;;;zero;9 w=1,5");
        assert_eq!(got, [d("y", 2.0, Uom::None), PerfDatum { max: Some(9.0), ..d("z", 3.0, Uom::None) }]);
    }

    #[test]
    fn odd_input_never_panics() {
        for s in
            ["'", "''", "'''", "=", "a=", "a=;", "'é'=1", "ü=ä", "a=1;;;;;;;;", "=1", "'a'", "'a'x=1", "a=+", "a=."]
        {
            let _ = parse(s);
        }
        assert_eq!(parse("'é'=1"), [d("é", 1.0, Uom::None)]);
    }
}
