//! CI classes and their attribute schemas.
//!
//! A class names its attributes (type, required, identifying) and may extend
//! another: a virtual machine is a server, so it has a server's attributes
//! and is reconciled by the same identifiers. A CI's attributes are checked
//! against the class's whole schema, inherited attributes included, and
//! every problem is named by its field.

use crate::code::{Code, Message};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// What an attribute holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttrType {
    Text,
    Integer,
    Decimal,
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    Enum {
        values: Vec<String>,
    },
    /// The id of another CI, of this class or one extending it.
    Reference {
        class: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    #[serde(flatten)]
    pub kind: AttrType,
    #[serde(default)]
    pub required: bool,
    /// Reconciliation keys: two CIs with the same value are one.
    #[serde(default)]
    pub identifying: bool,
    /// What people call it ("Memory (MB)"); the name when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Class {
    /// A stable key, e.g. `virtual_machine`.
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub extends: Option<String>,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// Limits on relations from CIs of this class: when a type is listed,
    /// its target must be of one of the listed classes (or extend one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<AllowedRelation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedRelation {
    #[serde(rename = "type")]
    pub kind: super::RelationType,
    pub to: Vec<String>,
}

/// One thing wrong, named by its field (`attributes.serial_number`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: String,
    pub reason: Message,
}

fn problem(field: impl Into<String>, reason: impl Into<Message>) -> Problem {
    Problem { field: field.into(), reason: reason.into() }
}

fn attr(name: &str, kind: AttrType) -> Attribute {
    Attribute { name: name.to_owned(), kind, required: false, identifying: false, label: None }
}

fn id(name: &str) -> Attribute {
    Attribute { identifying: true, ..attr(name, AttrType::Text) }
}

fn class(key: &str, name: &str, extends: Option<&str>, attributes: Vec<Attribute>) -> Class {
    Class {
        key: key.to_owned(),
        name: name.to_owned(),
        extends: extends.map(str::to_owned),
        attributes,
        relations: vec![],
    }
}

/// The classes every CMDB starts with.
pub fn builtin() -> Vec<Class> {
    use AttrType::*;
    let os = attr("operating_system", Text);
    vec![
        class("business_service", "Business service", None, vec![]),
        class("technical_service", "Technical service", None, vec![]),
        class("application", "Application", None, vec![attr("version", Text), attr("url", Text)]),
        class("database", "Database", None, vec![attr("engine", Text), attr("version", Text)]),
        class(
            "server",
            "Server",
            None,
            vec![
                id("serial_number"),
                id("uuid"),
                id("hostname"),
                id("fqdn"),
                os,
                attr("cpu_count", Integer),
                attr("memory_mb", Integer),
                attr("ip_address", Text),
                attr("mac_address", Text),
            ],
        ),
        class(
            "virtual_machine",
            "Virtual machine",
            Some("server"),
            vec![attr(
                "hypervisor",
                Enum { values: ["kvm", "vmware", "hyper-v", "xen", "other"].map(String::from).to_vec() },
            )],
        ),
        class("container", "Container", None, vec![id("container_id"), attr("image", Text)]),
        class(
            "network_device",
            "Network device",
            None,
            vec![id("serial_number"), id("hostname"), id("mac_address"), id("ip_address"), attr("ports", Integer)],
        ),
        class("storage", "Storage", None, vec![id("serial_number"), attr("capacity_gb", Decimal)]),
        class("location", "Location", None, vec![attr("address", Text), attr("city", Text), attr("country", Text)]),
    ]
}

/// The classes in use, with inheritance resolved on demand.
#[derive(Debug, Clone)]
pub struct Schema {
    classes: BTreeMap<String, Class>,
}

impl Schema {
    /// Checks the classes: unknown parents, inheritance cycles, an attribute
    /// declared twice along a chain, enums without values.
    pub fn new(classes: Vec<Class>) -> Result<Schema, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut map = BTreeMap::new();
        for c in classes {
            if map.contains_key(&c.key) {
                problems.push(problem(format!("classes.{}", c.key), Code::Twice.msg("is defined twice")));
            }
            map.insert(c.key.clone(), c);
        }
        let schema = Schema { classes: map };
        for c in schema.classes.values() {
            let field = format!("classes.{}", c.key);
            if let Some(p) = &c.extends {
                if !schema.classes.contains_key(p) {
                    problems.push(problem(format!("{field}.extends"), no_class(p)));
                    continue;
                }
            }
            let chain = schema.chain(&c.key);
            if chain.is_none() {
                problems.push(problem(
                    format!("{field}.extends"),
                    Code::ExtendsItself.msg("extends itself through its parents"),
                ));
                continue;
            }
            for r in &c.relations {
                for t in &r.to {
                    if !schema.classes.contains_key(t) {
                        problems.push(problem(format!("{field}.relations"), no_class(t)));
                    }
                }
            }
            let mut names = HashSet::new();
            for a in schema.attributes(&c.key) {
                if !names.insert(a.name.clone()) {
                    problems
                        .push(problem(format!("{field}.attributes.{}", a.name), Code::Twice.msg("is declared twice")));
                }
                if matches!(&a.kind, AttrType::Enum { values } if values.is_empty()) {
                    problems.push(problem(
                        format!("{field}.attributes.{}", a.name),
                        Code::EnumNoValues.msg("an enum needs values"),
                    ));
                }
                if let AttrType::Reference { class } = &a.kind {
                    if !schema.classes.contains_key(class) {
                        problems.push(problem(format!("{field}.attributes.{}", a.name), no_class(class)));
                    }
                }
            }
        }
        if problems.is_empty() { Ok(schema) } else { Err(problems) }
    }

    pub fn class(&self, key: &str) -> Option<&Class> {
        self.classes.get(key)
    }

    /// The class and its ancestors, nearest first; None on a cycle.
    fn chain(&self, key: &str) -> Option<Vec<&Class>> {
        let mut out = Vec::new();
        let mut at = self.classes.get(key);
        while let Some(c) = at {
            if out.iter().any(|o: &&Class| o.key == c.key) {
                return None;
            }
            out.push(c);
            at = c.extends.as_deref().and_then(|p| self.classes.get(p));
        }
        Some(out)
    }

    /// Every attribute of the class, inherited ones first.
    pub fn attributes(&self, key: &str) -> Vec<&Attribute> {
        let mut chain = self.chain(key).unwrap_or_default();
        chain.reverse();
        chain.into_iter().flat_map(|c| c.attributes.iter()).collect()
    }

    /// Whether a `kind` relation may go from a CI of class `from` to one of
    /// class `to`: the nearest class along `from`'s chain that limits this
    /// type decides.
    pub fn check_relation(&self, from: &str, kind: super::RelationType, to: &str) -> Result<(), Message> {
        for c in self.chain(from).unwrap_or_default() {
            if let Some(rule) = c.relations.iter().find(|r| r.kind == kind) {
                return if rule.to.iter().any(|t| self.is_a(to, t)) {
                    Ok(())
                } else {
                    let allowed = rule.to.join(" or ");
                    let text = format!("{} from a {} must go to a {allowed}, not a {to}", kind.as_str(), c.key);
                    Err(Code::RelationTarget
                        .msg(text)
                        .with("type", kind.as_str())
                        .with("from", &c.key)
                        .with("allowed", allowed)
                        .with("to", to))
                };
            }
        }
        Ok(())
    }

    /// Every class, in key order.
    pub fn classes(&self) -> impl Iterator<Item = &Class> {
        self.classes.values()
    }

    /// Whether `key` is `ancestor` or extends it.
    pub fn is_a(&self, key: &str, ancestor: &str) -> bool {
        self.chain(key).unwrap_or_default().iter().any(|c| c.key == ancestor)
    }

    /// The required attributes of `class` that `values` lacks (null is
    /// lacking), named `attributes.<name>`.
    pub fn missing_required(&self, class: &str, values: &serde_json::Map<String, Value>) -> Vec<Problem> {
        self.attributes(class)
            .into_iter()
            .filter(|a| a.required && values.get(&a.name).is_none_or(Value::is_null))
            .map(|a| problem(format!("attributes.{}", a.name), Code::Required.msg("is required")))
            .collect()
    }

    /// Checks a CI's attributes against its class. `class_of` tells the
    /// class of a referenced CI (None: no such CI).
    pub fn validate(
        &self,
        class: &str,
        values: &serde_json::Map<String, Value>,
        class_of: impl Fn(i64) -> Option<String>,
    ) -> Result<(), Vec<Problem>> {
        let Some(_) = self.classes.get(class) else {
            return Err(vec![problem("class", no_class(class))]);
        };
        let attrs = self.attributes(class);
        let mut problems = Vec::new();
        for name in values.keys() {
            if !attrs.iter().any(|a| &a.name == name) {
                let m = Code::NoAttribute.msg(format!("{class} has no attribute {name:?}"));
                problems.push(problem(
                    format!("attributes.{name}"),
                    m.with("class", class).with("name", format!("{name:?}")),
                ));
            }
        }
        for a in attrs {
            let field = format!("attributes.{}", a.name);
            match values.get(&a.name) {
                None | Some(Value::Null) => {
                    if a.required {
                        problems.push(problem(field, Code::Required.msg("is required")));
                    }
                }
                Some(v) => {
                    if let Err(reason) = check(&a.kind, v, &class_of, self) {
                        problems.push(problem(field, reason));
                    }
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

fn check(
    kind: &AttrType,
    v: &Value,
    class_of: &impl Fn(i64) -> Option<String>,
    schema: &Schema,
) -> Result<(), Message> {
    match (kind, v) {
        // Free text (an address, an OS banner over two lines): no control
        // characters but newlines and tabs.
        (AttrType::Text, Value::String(s)) => {
            crate::text::check(s, crate::text::Limit { min: 0, max: 2000, multiline: true })
                .map(drop)
                .map_err(Message::from)
        }
        (AttrType::Integer, Value::Number(n)) if n.is_i64() => Ok(()),
        (AttrType::Decimal, Value::Number(_)) => Ok(()),
        (AttrType::Boolean, Value::Bool(_)) => Ok(()),
        (AttrType::Date, Value::String(s)) => s.parse::<jiff::civil::Date>().map(|_| ()).map_err(|_| {
            Code::AttrNotDate.msg(format!("{s:?} is not a date such as 2026-01-31")).with("text", format!("{s:?}"))
        }),
        (AttrType::Enum { values }, Value::String(s)) if values.contains(s) => Ok(()),
        (AttrType::Enum { values }, _) => {
            let list = values.join(", ");
            Err(Code::OneOf.msg(format!("must be one of {list}")).with("list", list))
        }
        (AttrType::Reference { class }, Value::Number(n)) => match n.as_i64().map(|id| (id, class_of(id))) {
            Some((_, Some(c))) if schema.is_a(&c, class) => Ok(()),
            Some((id, Some(c))) => Err(Code::CiWrongClass
                .msg(format!("CI {id} is a {c}, not a {class}"))
                .with("id", id)
                .with("class", c)
                .with("expected", class)),
            Some((id, None)) => Err(Code::NoCi.msg(format!("no CI {id}")).with("id", id)),
            None => Err(Code::NotCiId.msg("must be a CI id")),
        },
        (k, _) => Err(expected(k)),
    }
}

/// What a value of the wrong JSON type is told.
fn expected(k: &AttrType) -> Message {
    match k {
        AttrType::Text => Code::NotText.msg("must be text"),
        AttrType::Integer => Code::NotWhole.msg("must be a whole number"),
        AttrType::Decimal => Code::NotNumber.msg("must be a number"),
        AttrType::Boolean => Code::NotBool.msg("must be true or false"),
        AttrType::Date => Code::MustBeDate.msg("must be a date such as 2026-01-31"),
        AttrType::Enum { .. } => Code::OneOfListed.msg("must be one of the listed values"),
        AttrType::Reference { .. } => Code::NotCiId.msg("must be a CI id"),
    }
}

pub fn no_class(name: &str) -> Message {
    Code::NoClass.msg(format!("no class {name:?}")).with("name", format!("{name:?}"))
}
