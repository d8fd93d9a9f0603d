//! The CI form as typed, and what it becomes: a `CiInput` for the app's
//! upsert. Attribute inputs are named `attributes.<name>` (as the app names
//! their problems) and turned into JSON by the attribute's kind; an empty
//! input is an absent attribute, and on an edit a removed one (null).

use super::cmdb_sections::json_text;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use steward_app::Code;
use steward_app::Message;
use steward_app::{FieldError, cmdb::CiInput};
use steward_domain::cmdb::{AttrType, Attribute, CiStatus, Criticality, PortfolioStatus};
use steward_store::cmdb::CiRow;

/// The prefix of an attribute's input name.
pub const ATTR: &str = "attributes.";

#[derive(Debug, Default, Clone, PartialEq)]
pub struct CiForm {
    pub class: String,
    pub name: String,
    pub status: String,
    pub criticality: String,
    pub owner_group: String,
    pub location: String,
    pub vendor: String,
    pub description: String,
    pub owner: String,
    pub support_calendar_id: String,
    pub tier: String,
    pub portfolio_status: String,
    pub requester_visible: bool,
    pub consumers: Vec<String>,
    pub attributes: BTreeMap<String, String>,
}

impl CiForm {
    /// The posted pairs (`consumers` repeats, attributes are many).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = CiForm::default();
        for (k, v) in pairs {
            if let Some(a) = k.strip_prefix(ATTR) {
                f.attributes.insert(a.to_owned(), v);
                continue;
            }
            match k.as_str() {
                "class" => f.class = v,
                "name" => f.name = v,
                "status" => f.status = v,
                "criticality" => f.criticality = v,
                "owner_group" => f.owner_group = v,
                "location" => f.location = v,
                "vendor" => f.vendor = v,
                "description" => f.description = v,
                "owner" => f.owner = v,
                "support_calendar_id" => f.support_calendar_id = v,
                "tier" => f.tier = v,
                "portfolio_status" => f.portfolio_status = v,
                "requester_visible" => f.requester_visible = true,
                "consumers" => f.consumers.push(v),
                _ => {}
            }
        }
        f
    }

    /// A stored CI, to edit; `owner` is its owner's username.
    pub fn from_row(row: &CiRow, owner: Option<String>, consumers: Vec<String>) -> Self {
        let attributes: Map<String, Value> = serde_json::from_str(&row.attributes).unwrap_or_default();
        let text = |o: &Option<String>| o.clone().unwrap_or_default();
        CiForm {
            class: row.class.clone(),
            name: row.name.clone(),
            status: row.status.clone(),
            criticality: row.criticality.clone(),
            owner_group: text(&row.owner_group),
            location: text(&row.location),
            vendor: text(&row.vendor),
            description: row.description.clone(),
            owner: owner.unwrap_or_default(),
            support_calendar_id: row.support_calendar_id.map(|c| c.to_string()).unwrap_or_default(),
            tier: row.tier.map(|c| c.to_string()).unwrap_or_default(),
            portfolio_status: text(&row.portfolio_status),
            requester_visible: row.requester_visible != 0,
            consumers,
            attributes: attributes.iter().map(|(k, v)| (k.clone(), json_text(v))).collect(),
        }
    }

    pub fn attribute(&self, name: &str) -> &str {
        self.attributes.get(name).map_or("", String::as_str)
    }

    /// What the app is sent: `id` for an edit, `catalog` when the user may
    /// change a service's catalog fields (the app refuses them otherwise).
    pub fn to_input(&self, attrs: &[&Attribute], id: Option<i64>, catalog: bool) -> Result<CiInput, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut attributes = Map::new();
        for a in attrs {
            match attr_value(&a.kind, self.attribute(&a.name)) {
                Ok(Some(v)) => {
                    attributes.insert(a.name.clone(), v);
                }
                Ok(None) if id.is_some() => {
                    attributes.insert(a.name.clone(), Value::Null);
                }
                Ok(None) => {}
                Err(e) => errs.push(FieldError::new(&format!("{ATTR}{}", a.name), e)),
            }
        }
        let mut word = |field: &str, text: &str, parse: fn(&str) -> Result<(), Message>| {
            let text = text.trim();
            if !text.is_empty() && parse(text).is_err() {
                errs.push(FieldError::new(field, crate::i18n_codes::ui(Code::ChooseFromList, &[])));
            }
        };
        word("status", &self.status, |s| CiStatus::parse(s).map(drop));
        word("criticality", &self.criticality, |s| Criticality::parse(s).map(drop));
        word("portfolio_status", &self.portfolio_status, |s| PortfolioStatus::parse(s).map(drop));
        let mut number = |field: &str, text: &str| match text.trim() {
            "" => None,
            n => n
                .parse::<i64>()
                .map_err(|_| errs.push(FieldError::new(field, crate::i18n_codes::ui(Code::NotWhole, &[]))))
                .ok(),
        };
        let (tier, calendar) = (number("tier", &self.tier), number("support_calendar_id", &self.support_calendar_id));
        if !errs.is_empty() {
            return Err(errs);
        }
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let mut input = CiInput {
            id,
            class: self.class.trim().to_owned(),
            name: self.name.trim().to_owned(),
            status: some(&self.status).and_then(|s| CiStatus::parse(&s).ok()),
            criticality: some(&self.criticality).and_then(|s| Criticality::parse(&s).ok()),
            owner_group: some(&self.owner_group),
            location: some(&self.location),
            vendor: some(&self.vendor),
            // On an edit an emptied description is cleared.
            description: if id.is_some() { Some(self.description.trim().to_owned()) } else { some(&self.description) },
            attributes,
            ..CiInput::default()
        };
        if catalog {
            input.owner = some(&self.owner);
            input.support_calendar_id = calendar;
            input.tier = tier;
            input.portfolio_status = some(&self.portfolio_status).and_then(|s| PortfolioStatus::parse(&s).ok());
            input.requester_visible = Some(self.requester_visible);
            input.consumers = Some(self.consumers.iter().filter(|c| !c.is_empty()).cloned().collect());
        }
        Ok(input)
    }
}

/// An attribute typed in the form as JSON, by its kind; empty is absent.
pub fn attr_value(kind: &AttrType, text: &str) -> Result<Option<Value>, Message> {
    let s = text.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = |code: Code| crate::i18n_codes::ui(code, &[]);
    let v = match kind {
        AttrType::Text | AttrType::Enum { .. } => Value::from(s),
        AttrType::Integer => Value::from(s.parse::<i64>().map_err(|_| bad(Code::NotWhole))?),
        AttrType::Decimal => s
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| bad(Code::NotNumber))?,
        AttrType::Boolean => Value::Bool(matches!(s, "true" | "on")),
        AttrType::Date => {
            let ok = s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok();
            if !ok {
                return Err(bad(Code::MustBeDate));
            }
            Value::from(s)
        }
        AttrType::Reference { .. } => Value::from(s.parse::<i64>().map_err(|_| bad(Code::NotCiId))?),
    };
    Ok(Some(v))
}

/// The app names a problem of the form's one item `items[0].name`; the
/// form names it `name`.
pub fn form_field(field: &str) -> String {
    field.strip_prefix("items[0].").unwrap_or(field).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attr(name: &str, kind: AttrType) -> Attribute {
        Attribute { name: name.into(), kind, required: false, identifying: false, label: None }
    }

    #[test]
    fn typed_attributes_become_json_by_kind() {
        let v = |k: AttrType, s: &str| attr_value(&k, s);
        assert_eq!(v(AttrType::Text, " web01 "), Ok(Some(json!("web01"))));
        assert_eq!(v(AttrType::Text, "  "), Ok(None));
        assert_eq!(v(AttrType::Integer, "8"), Ok(Some(json!(8))));
        assert_eq!(
            v(AttrType::Integer, "2.5").map_err(|m| (m.code, m.text)),
            Err((Code::NotWhole, "must be a whole number".into()))
        );
        assert_eq!(v(AttrType::Decimal, "1,5"), Ok(Some(json!(1.5))));
        assert_eq!(v(AttrType::Decimal, "NaN").map_err(|m| m.text), Err("must be a number".into()));
        assert_eq!(v(AttrType::Boolean, "true"), Ok(Some(json!(true))));
        assert_eq!(v(AttrType::Boolean, "false"), Ok(Some(json!(false))));
        assert_eq!(v(AttrType::Date, "2026-02-28"), Ok(Some(json!("2026-02-28"))));
        assert!(v(AttrType::Date, "2026-02-30").is_err());
        assert!(v(AttrType::Date, "2026-02-28T10:00").is_err());
        assert_eq!(v(AttrType::Enum { values: vec!["kvm".into()] }, "kvm"), Ok(Some(json!("kvm"))));
        assert_eq!(v(AttrType::Reference { class: "server".into() }, "12"), Ok(Some(json!(12))));
        assert!(attr_value(&AttrType::Reference { class: "x".into() }, "esx").is_err());
    }

    #[test]
    fn a_form_becomes_an_input_and_a_cleared_attribute_null_on_edit() {
        let pairs = [
            ("class", "server"),
            ("name", " web01 "),
            ("status", "in_use"),
            ("attributes.cpu_count", "4"),
            ("attributes.hostname", ""),
            ("tier", "2"),
        ];
        let f = CiForm::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        let (cpu, host) = (attr("cpu_count", AttrType::Integer), attr("hostname", AttrType::Text));
        let new = f.to_input(&[&cpu, &host], None, false).unwrap();
        assert_eq!((new.name.as_str(), new.status, new.tier), ("web01", Some(CiStatus::InUse), None));
        assert_eq!(Value::Object(new.attributes), json!({"cpu_count": 4}));
        let edit = f.to_input(&[&cpu, &host], Some(7), true).unwrap();
        assert_eq!(Value::Object(edit.attributes), json!({"cpu_count": 4, "hostname": null}));
        assert_eq!((edit.id, edit.tier, edit.consumers), (Some(7), Some(2), Some(vec![])));
        let bad = CiForm { status: "lost".into(), ..f.clone() };
        let errs = bad.to_input(&[], None, false).unwrap_err();
        assert_eq!(errs[0].field, "status");
        assert_eq!(form_field("items[0].attributes.cpu_count"), "attributes.cpu_count");
    }
}
