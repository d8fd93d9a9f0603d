//! Configuration items: their fixed fields, the draft every way in (form,
//! JSON bulk, CSV row, inventory) produces, and the identifiers a CI is
//! reconciled by.

use super::class::{Problem, Schema};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v),+ }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            pub fn parse(s: &str) -> Result<Self, crate::code::Message> {
                match s {
                    $($s => Ok($name::$v),)+
                    _ => Err(crate::code::not_one_of(s, &[$($s),+])),
                }
            }
        }
    };
}

word_enum!(
    /// Where a CI is in its life.
    CiStatus { Planned = "planned", InUse = "in_use", Maintenance = "maintenance", Retired = "retired" }
);

word_enum!(
    /// How much the business suffers when the CI fails.
    Criticality { Low = "low", Medium = "medium", High = "high", Critical = "critical" }
);

word_enum!(
    /// A service's place in the portfolio.
    PortfolioStatus { Pipeline = "pipeline", Live = "live", Retired = "retired" }
);

/// The service classes: what impact analysis reports and the catalog lists.
pub const SERVICE_CLASSES: [&str; 2] = ["business_service", "technical_service"];

/// Whether CIs of `class` are services (the class or one it extends).
pub fn is_service(schema: &Schema, class: &str) -> bool {
    SERVICE_CLASSES.iter().any(|s| schema.is_a(class, s))
}

/// A CI as it arrives, before it is stored. Names of groups and locations
/// are resolved by the application; here they are just text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiDraft {
    pub class: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CiStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criticality: Option<Criticality>,
    /// The owning assignment group, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_group: Option<String>,
    /// A location CI, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(default)]
    pub attributes: Map<String, Value>,
}

/// An identifying value: `scope` is the root of the class's inheritance
/// chain, so a virtual machine and a server with one serial number are one
/// CI, while a storage array's serial number is another namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Identifier {
    pub scope: String,
    pub key: String,
    pub value: String,
}

/// The longest a CI name may be.
pub const MAX_NAME: usize = 200;
/// A CI's name: one line, the rule every text follows.
const CI_NAME: crate::text::Limit = crate::text::Limit { min: 1, max: MAX_NAME, multiline: false };

impl Schema {
    /// The root of the class's inheritance chain.
    pub fn root(&self, class: &str) -> String {
        let mut at = class.to_owned();
        while let Some(parent) = self.class(&at).and_then(|c| c.extends.clone()) {
            if parent == class {
                break; // a cycle is refused by Schema::new; be safe anyway
            }
            at = parent;
        }
        at
    }

    /// What identifies a CI of `class`: the values of its identifying
    /// attributes, normalised (trimmed, lower case: hostnames and MACs are
    /// compared without regard to case). A class without identifying
    /// attributes is identified by its name.
    pub fn identifiers(&self, class: &str, name: &str, attributes: &Map<String, Value>) -> Vec<Identifier> {
        let scope = self.root(class);
        let keys: Vec<&str> =
            self.attributes(class).into_iter().filter(|a| a.identifying).map(|a| a.name.as_str()).collect();
        let ident = |key: &str, value: &str| Identifier {
            scope: scope.clone(),
            key: key.to_owned(),
            value: value.trim().to_lowercase(),
        };
        if keys.is_empty() {
            return vec![ident("name", name)];
        }
        let mut out: Vec<Identifier> = keys
            .iter()
            .filter_map(|k| match attributes.get(*k) {
                Some(Value::String(s)) if !junk(s) => Some(ident(k, s)),
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    /// Checks a draft's fixed fields and attributes; every problem named.
    pub fn check_draft(&self, d: &CiDraft, class_of: impl Fn(i64) -> Option<String>) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        if let Err(e) = crate::text::check(&d.name, CI_NAME) {
            problems.push(Problem { field: "name".into(), reason: e.into() });
        }
        if let Err(mut p) = self.validate(&d.class, &d.attributes, class_of) {
            problems.append(&mut p);
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

/// Placeholder values vendors put in firmware fields; they identify nothing.
fn junk(s: &str) -> bool {
    let t = s.trim().to_ascii_lowercase();
    t.is_empty()
        || t.chars().all(|c| c == '0' || c == '-' || c == ':' || c == ' ')
        || ["none", "n/a", "na", "unknown", "default string", "to be filled by o.e.m.", "system serial number"]
            .contains(&t.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmdb::builtin;
    use serde_json::json;

    #[test]
    fn identifiers_share_a_scope_along_the_chain() {
        let s = Schema::new(builtin()).unwrap();
        let a =
            json!({"serial_number": " ABC-1 ", "hostname": "Web01", "uuid": "00000000-0000-0000-0000-000000000000"});
        let ids = s.identifiers("virtual_machine", "web01", a.as_object().unwrap());
        let got: Vec<(&str, &str, &str)> =
            ids.iter().map(|i| (i.scope.as_str(), i.key.as_str(), i.value.as_str())).collect();
        assert_eq!(got, [("server", "hostname", "web01"), ("server", "serial_number", "abc-1")], "a zero UUID is junk");
        let svc = s.identifiers("business_service", " Payroll ", &Map::new());
        assert_eq!(svc[0].key, "name");
        assert_eq!(svc[0].value, "payroll");
    }

    #[test]
    fn words_parse_and_name_the_choices() {
        assert_eq!(CiStatus::parse("in_use"), Ok(CiStatus::InUse));
        assert_eq!(
            CiStatus::parse("broken").unwrap_err(),
            "\"broken\" is not one of planned, in_use, maintenance, retired"
        );
        assert_eq!(Criticality::High.as_str(), "high");
    }

    #[test]
    fn a_draft_names_every_problem() {
        let s = Schema::new(builtin()).unwrap();
        let d = CiDraft {
            class: "server".into(),
            name: " ".into(),
            attributes: json!({"cpu_count": "four"}).as_object().unwrap().clone(),
            ..CiDraft::default()
        };
        let fields: Vec<String> = s.check_draft(&d, |_| None).unwrap_err().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name", "attributes.cpu_count"]);
    }
}
