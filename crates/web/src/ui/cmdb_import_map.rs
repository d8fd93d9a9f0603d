//! The CSV import's column mapping as a form: once a file is uploaded,
//! each of its columns gets a select of the field it fills (a CI field, a
//! service's catalog field, a relation to the CIs the cell names, an
//! attribute of any class, or nothing), first guessed from the header, and
//! one select gives the class of rows that name none. What is chosen is
//! sent as `map_class` and `map_<column number>` and turned here into the
//! JSON mapping the import reads.

use super::{Ctx, cmdb_texts::CmdbMsg, cmdb_widgets::sort_by_name, cmdb_words, widgets};
use crate::AppState;
use maud::{Markup, html};
use serde_json::{Map, Value};
use steward_app::AppError;
use steward_app::cmdb::files::read_headers;

/// The most columns a file may map.
pub const MAX_COLUMNS: usize = 200;

/// The mapping as chosen in the form: the class, and the target of each
/// column by its number. Empty when the form had no mapping yet.
#[derive(Debug, Default, Clone)]
pub struct Chosen {
    pub class: String,
    pub columns: Vec<(usize, String)>,
}

impl Chosen {
    /// Takes a `map_…` part of the form; false if it is not one.
    pub fn take(&mut self, name: &str, value: String) -> bool {
        match name.strip_prefix("map_") {
            Some("class") => self.class = value,
            Some(n) => match n.parse::<usize>() {
                Ok(i) if i < MAX_COLUMNS => self.columns.push((i, value)),
                _ => {}
            },
            None => return false,
        }
        true
    }

    /// The JSON mapping for a file with `headers`, or None when nothing
    /// was chosen (the file's own headers then name the fields).
    pub fn to_json(&self, headers: &[String]) -> Option<String> {
        if self.columns.is_empty() {
            return None;
        }
        let columns: Map<String, Value> = self
            .columns
            .iter()
            .filter_map(|(i, target)| headers.get(*i).map(|h| (h.clone(), Value::String(target.clone()))))
            .collect();
        let mut m = Map::new();
        m.insert("columns".into(), Value::Object(columns));
        if !self.class.is_empty() {
            m.insert("class".into(), Value::String(self.class.clone()));
        }
        Some(Value::Object(m).to_string())
    }

    fn target(&self, i: usize) -> Option<&str> {
        self.columns.iter().find(|(n, _)| *n == i).map(|(_, t)| t.as_str())
    }
}

/// A file's column names; none when it cannot be read (the import says why).
pub fn headers(bytes: &[u8]) -> Vec<String> {
    read_headers(bytes).unwrap_or_default().into_iter().take(MAX_COLUMNS).collect()
}

/// The target a header names: a field or attribute by its key or label
/// (any case, as an export writes them), else nothing.
fn guess(header: &str, targets: &[(String, String)]) -> String {
    let h = header.trim().to_lowercase();
    let fits = |(value, label): &&(String, String)| {
        let key = value.strip_prefix("attributes.").unwrap_or(value);
        let label = label.split(" (").next().unwrap_or(label);
        key.to_lowercase() == h || value.to_lowercase() == h || label.to_lowercase() == h
    };
    targets.iter().find(fits).map_or_else(|| "ignore".to_owned(), |(v, _)| v.clone())
}

/// What a column may fill: (value, label), fields first, then attributes by label.
pub async fn targets(s: &AppState, ctx: &Ctx) -> Result<Vec<(String, String)>, AppError> {
    let mut out = vec![("ignore".to_owned(), ctx.t(CmdbMsg::IgnoreColumn).to_owned())];
    for f in ["name", "class", "status", "criticality", "owner_group", "location", "vendor"] {
        out.push((f.to_owned(), cmdb_words::field(ctx.lang, f).into_owned()));
    }
    // A service's catalog fields, then one relation column per type.
    for f in ["requester_visible", "tier", "portfolio_status"] {
        out.push((f.to_owned(), cmdb_words::field(ctx.lang, f).into_owned()));
    }
    for kind in steward_domain::cmdb::RelationType::ALL {
        out.push((format!("relations.{}", kind.as_str()), cmdb_words::relation_column(ctx.lang, kind.as_str())));
    }
    let mut attributes: Vec<(String, String)> = Vec::new();
    for (c, _) in s.app.ci_classes().await? {
        for a in c.attributes {
            let value = format!("attributes.{}", a.name);
            if !attributes.iter().any(|(v, _)| *v == value) {
                let label = cmdb_words::attribute(ctx.lang, &a.name, a.label.as_deref()).into_owned();
                attributes.push((value, format!("{label} ({})", a.name)));
            }
        }
    }
    sort_by_name(&mut attributes, |a| &a.1);
    out.extend(attributes);
    Ok(out)
}

/// The columns of the uploaded file, each with its select.
pub fn fieldset(
    ctx: &Ctx,
    headers: &[String],
    chosen: &Chosen,
    targets: &[(String, String)],
    classes: &[(String, String)],
) -> Markup {
    let none = widgets::Errors::default();
    let mut class_options = vec![(String::new(), ctx.t(CmdbMsg::ClassFromFile).to_owned())];
    class_options.extend(classes.iter().cloned());
    html! {
        fieldset.column-map #column-map {
            legend { (ctx.t(CmdbMsg::ColumnsTitle)) }
            p.hint { (ctx.t(CmdbMsg::ColumnsHint)) }
            (widgets::Field::new(ctx.lang, "map-class", "map_class", ctx.t(CmdbMsg::DefaultClass), &none).select(&class_options, &chosen.class))
            div.table-wrap { table.incidents {
                thead { tr {
                    th scope="col" { (ctx.t(CmdbMsg::ColumnInFile)) }
                    th scope="col" { (ctx.t(CmdbMsg::FillsField)) }
                } }
                tbody {
                    @for (i, h) in headers.iter().enumerate() {
                        @let id = format!("map-{i}");
                        @let selected = chosen.target(i).map_or_else(|| guess(h, targets), str::to_owned);
                        tr {
                            th scope="row" { label for=(id) { (h) } }
                            td {
                                select id=(id) name={ "map_" (i) } {
                                    @for (v, l) in targets { option value=(v) selected[*v == selected] { (l) } }
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_columns_become_the_imports_mapping() {
        let mut c = Chosen::default();
        assert!(c.take("map_0", "name".into()));
        assert!(c.take("map_1", "attributes.serial_number".into()));
        assert!(c.take("map_9", "vendor".into()), "a column the file lacks is left out");
        assert!(c.take("map_class", "server".into()));
        assert!(c.take("map_99999", "name".into()), "taken, but ignored: past the limit");
        assert!(!c.take("run", "dry".into()));
        let headers = ["Host".to_owned(), "Serial".to_owned()];
        let json: Value = serde_json::from_str(&c.to_json(&headers).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"class": "server", "columns": {"Host": "name", "Serial": "attributes.serial_number"}})
        );
        assert_eq!(Chosen::default().to_json(&headers), None);
    }

    #[test]
    fn headers_are_guessed_by_key_or_label() {
        let targets: Vec<(String, String)> = [
            ("ignore", "— ignore —"),
            ("name", "Name"),
            ("attributes.serial_number", "Serial number (serial_number)"),
            ("attributes.hostname", "Host name (hostname)"),
        ]
        .map(|(v, l)| (v.to_owned(), l.to_owned()))
        .to_vec();
        assert_eq!(guess("NAME", &targets), "name");
        assert_eq!(guess("attributes.serial_number", &targets), "attributes.serial_number");
        assert_eq!(guess("Serial number", &targets), "attributes.serial_number");
        assert_eq!(guess(" hostname ", &targets), "attributes.hostname");
        assert_eq!(guess("Host", &targets), "ignore");
    }
}
