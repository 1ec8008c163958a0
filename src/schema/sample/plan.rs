//! Compiles a JSON Schema into a sampling [`Plan`]: a graph of nodes in which every `$ref` is
//! resolved, every `allOf` is merged into one set of constraints, and every `anyOf`/`oneOf`/
//! `if`-`then`-`else` is expanded into alternative branches that already carry their siblings'
//! constraints. The generator then only walks the graph; nothing is resolved, parsed or compiled
//! per sample. Constraints the generator cannot build values for directly (a second `pattern`, a
//! `not`, oneOf exclusivity) become small precompiled validators it checks locally before retrying.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::fakes::{Format, Hint};
use super::regexgen;

mod leaf;
use crate::schema::resolve::{DocSet, escape_token, short_name, split_fragment};

pub(crate) type NodeId = usize;
pub(crate) type CheckId = usize;

pub(crate) const T_NULL: u8 = 1;
pub(crate) const T_BOOL: u8 = 2;
pub(crate) const T_INT: u8 = 4;
/// Non-integral numbers; JSON Schema's `number` is `T_INT | T_NUM`.
pub(crate) const T_NUM: u8 = 8;
pub(crate) const T_STR: u8 = 16;
pub(crate) const T_ARR: u8 = 32;
pub(crate) const T_OBJ: u8 = 64;
pub(crate) const T_ALL: u8 = 127;

/// Guards against schemas whose merged/expanded form explodes combinatorially.
const MAX_NODES: usize = 20_000;
/// Beyond this many choice branches, remaining `anyOf`/`oneOf` groups become checks instead.
const MAX_BRANCH_EXPANSIONS: usize = 2_000;
const MAX_FLATTEN_DEPTH: usize = 64;
/// Integers beyond 2^53 stop round-tripping through validators that compare as f64.
const SAFE_INT: i64 = 1 << 53;

/// A schema compiled for sampling. Build one with [`Plan::new`](crate::schema::sample::Plan) or
/// [`Plan::from_value`](crate::schema::sample::Plan); feed it to
/// [`generate_value`](crate::schema::sample::generate_value).
pub struct Plan {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: NodeId,
    pub(crate) regexes: Vec<rand_regex::Regex>,
    pub(crate) checks: Vec<jsonschema::Validator>,
}

pub(crate) enum Node {
    Never(Box<Never>),
    Choice(Box<Choice>),
    Leaf(Box<Leaf>),
}

pub(crate) struct Never {
    pub(crate) loc: String,
    pub(crate) why: String,
}

pub(crate) struct Choice {
    pub(crate) loc: String,
    pub(crate) branches: Vec<Branch>,
}

pub(crate) struct Branch {
    pub(crate) node: NodeId,
    pub(crate) must: Vec<CheckId>,
    pub(crate) must_not: Vec<CheckId>,
}

pub(crate) struct Leaf {
    pub(crate) loc: String,
    pub(crate) types: u8,
    /// No keyword narrows the type at all: the generator may produce anything.
    pub(crate) anything: bool,
    /// Types the schema allows but we only fall back to (an untyped `{"minItems": 2}` prefers
    /// arrays, yet a string satisfies it when arrays turn out impossible).
    pub(crate) fallback: u8,
    /// Integers are excluded (`not: {type: integer}`), so numbers need a fractional part.
    pub(crate) fraction_only: bool,
    /// `const`/`enum` candidates, already filtered against every other constraint.
    pub(crate) values: Option<Vec<Value>>,
    /// `default`/`examples` that pass every constraint.
    pub(crate) samples: Vec<Value>,
    pub(crate) must: Vec<CheckId>,
    pub(crate) must_not: Vec<CheckId>,
    pub(crate) string: StrSpec,
    pub(crate) number: NumSpec,
    pub(crate) array: ArrSpec,
    pub(crate) object: ObjSpec,
}

#[derive(Default)]
pub(crate) struct StrSpec {
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
    /// Index into [`Plan::regexes`], or why the pattern cannot be sampled.
    pub(crate) pattern: Option<Result<usize, String>>,
    /// The same pattern as a matcher, so a realistic value from the property name can be used
    /// when it happens to fit (a phone number for `^\+?[0-9 ]+$`).
    pub(crate) matcher: Option<regex::Regex>,
    pub(crate) format: Option<Format>,
}

#[derive(Default)]
pub(crate) struct NumSpec {
    pub(crate) lo: Option<f64>,
    pub(crate) lo_excl: bool,
    pub(crate) hi: Option<f64>,
    pub(crate) hi_excl: bool,
    pub(crate) int_lo: Option<i64>,
    pub(crate) int_hi: Option<i64>,
    /// Integers must be multiples of this (1 when unconstrained).
    pub(crate) int_step: i64,
    /// `multipleOf` as `mantissa / 10^decimals`, so multiples print exactly in decimal.
    pub(crate) decimal_step: Option<(i64, i32)>,
    pub(crate) multiple_of: Option<f64>,
}

#[derive(Default)]
pub(crate) struct ArrSpec {
    pub(crate) prefix: Vec<NodeId>,
    pub(crate) rest: NodeId,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
    pub(crate) unique: bool,
    /// Node for elements that satisfy `contains` (merged with the item constraints).
    pub(crate) contains: Option<NodeId>,
    pub(crate) min_contains: usize,
}

#[derive(Default)]
pub(crate) struct ObjSpec {
    /// Sorted by name, so generation consumes randomness in a fixed order.
    pub(crate) props: Vec<Prop>,
    /// Schema for properties not listed in `props`; `None` when they are forbidden.
    pub(crate) extra: Option<NodeId>,
    /// `additionalProperties` was given as a schema, i.e. a map-like object.
    pub(crate) extra_explicit: bool,
    pub(crate) name_node: Option<NodeId>,
    pub(crate) pattern_names: Vec<(usize, NodeId)>,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
    /// `dependentRequired`: property index -> indexes it pulls in.
    pub(crate) deps: Vec<(usize, Vec<usize>)>,
}

pub(crate) struct Prop {
    pub(crate) name: String,
    pub(crate) node: NodeId,
    pub(crate) required: bool,
    pub(crate) hint: Hint,
}

/// A subschema together with its canonical location (`doc-uri#pointer`), which is both its cache
/// key and what error messages point at.
#[derive(Clone)]
struct Loc<'d> {
    key: String,
    v: &'d Value,
}

impl<'d> Loc<'d> {
    fn child(&self, segs: &[&str], v: &'d Value) -> Loc<'d> {
        let mut key = self.key.clone();
        for s in segs {
            key.push('/');
            key.push_str(&escape_token(s));
        }
        Loc { key, v }
    }
}

#[derive(Clone)]
enum Group<'d> {
    Any(String, Vec<Loc<'d>>),
    One(String, Vec<Loc<'d>>),
    If { loc: String, cond: Loc<'d>, then: Option<Loc<'d>>, els: Option<Loc<'d>> },
}

/// The conjunction of subschemas reached through `allOf`/`$ref`, before merging.
#[derive(Clone, Default)]
struct Flat<'d> {
    objs: Vec<Loc<'d>>,
    groups: Vec<Group<'d>>,
    nots: Vec<Loc<'d>>,
    never: Option<String>,
    /// `$ref` targets on the current flattening path, to detect `allOf`/`$ref` cycles.
    stack: Vec<String>,
    /// `dependentSchemas` entries already merged because their property is required.
    applied: Vec<String>,
}

/// `file:///x/y.json#/a/b&...` -> `y.json#/a/b`, for messages.
pub(crate) fn display_loc(key: &str) -> String {
    let first = key.split('&').next().unwrap_or(key);
    let first = first.split('|').next_back().unwrap_or(first);
    let (doc, frag) = split_fragment(first);
    let frag = frag.unwrap_or("");
    format!("{}#{}", short_name(doc), if frag.is_empty() { "" } else { frag })
}

fn type_bits(v: &Value) -> u8 {
    fn one(s: &str) -> u8 {
        match s {
            "null" => T_NULL,
            "boolean" => T_BOOL,
            "integer" => T_INT,
            "number" => T_INT | T_NUM,
            "string" => T_STR,
            "array" => T_ARR,
            "object" => T_OBJ,
            _ => 0,
        }
    }
    match v {
        Value::String(s) => one(s),
        Value::Array(a) => a.iter().filter_map(Value::as_str).fold(0, |acc, s| acc | one(s)),
        _ => T_ALL,
    }
}

/// The type bit of an instance value; integral floats count as integers, as JSON Schema says.
pub(crate) fn value_bits(v: &Value) -> u8 {
    match v {
        Value::Null => T_NULL,
        Value::Bool(_) => T_BOOL,
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                T_INT
            } else {
                T_NUM
            }
        }
        Value::String(_) => T_STR,
        Value::Array(_) => T_ARR,
        Value::Object(_) => T_OBJ,
    }
}

/// `mantissa / 10^decimals` for a positive float, when that is exact and small enough.
pub(crate) fn decimal_parts(m: f64) -> Option<(i64, i32)> {
    if !(m.is_finite() && m > 0.0) {
        return None;
    }
    let s = format!("{m}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > 15 {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return None;
    }
    let mant: i64 = digits.parse().ok()?;
    if mant > SAFE_INT {
        return None;
    }
    Some((mant, frac.len() as i32))
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

fn as_usize(v: Option<&Value>) -> Option<usize> {
    let f = v?.as_f64()?;
    if f < 0.0 {
        return Some(0);
    }
    Some(if f > usize::MAX as f64 { usize::MAX } else { f as usize })
}

/// Keywords that say a schema is about strings/numbers/arrays/objects, used to pick sensible
/// types when no `type` is given.
fn families(m: &Map<String, Value>) -> u8 {
    let mut f = 0;
    for k in m.keys() {
        f |= match k.as_str() {
            "minLength" | "maxLength" | "pattern" | "format" => T_STR,
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => T_INT | T_NUM,
            "items" | "prefixItems" | "minItems" | "maxItems" | "uniqueItems" | "contains" | "additionalItems" => T_ARR,
            "properties"
            | "required"
            | "additionalProperties"
            | "patternProperties"
            | "minProperties"
            | "maxProperties"
            | "propertyNames"
            | "dependentRequired" => T_OBJ,
            _ => 0,
        };
    }
    f
}

/// `not: {"type": ...}` (plus annotations) can be applied by removing types instead of checking.
fn pure_type_not(v: &Value) -> Option<u8> {
    let m = v.as_object()?;
    let t = m.get("type")?;
    if m.keys().all(|k| matches!(k.as_str(), "type" | "title" | "description" | "$comment")) {
        Some(type_bits(t))
    } else {
        None
    }
}

struct ObjPart<'d> {
    key: String,
    props: Option<&'d Map<String, Value>>,
    patterns: Vec<(regex::Regex, Loc<'d>)>,
    additional: Option<Loc<'d>>,
}

struct ArrPart<'d> {
    prefix: Vec<Loc<'d>>,
    rest: Option<Loc<'d>>,
}

/// Pattern, max repeat, min length, max length.
type RegexKey = (String, u32, usize, Option<usize>);

pub(crate) struct Compiler<'d> {
    docs: &'d DocSet,
    draft: Option<Value>,
    nodes: Vec<Node>,
    cache: HashMap<String, NodeId>,
    regexes: Vec<rand_regex::Regex>,
    regex_cache: HashMap<RegexKey, Result<usize, String>>,
    checks: Vec<jsonschema::Validator>,
    check_cache: HashMap<String, Option<CheckId>>,
    expansions: usize,
    any: NodeId,
}

impl Plan {
    pub(crate) fn compile(docs: &DocSet) -> Result<Plan, String> {
        let root_v =
            docs.get(&format!("{}#", docs.root)).ok_or_else(|| format!("{}: root document missing", docs.root))?;
        let mut c = Compiler {
            docs,
            draft: root_v.get("$schema").cloned(),
            nodes: Vec::new(),
            cache: HashMap::new(),
            regexes: Vec::new(),
            regex_cache: HashMap::new(),
            checks: Vec::new(),
            check_cache: HashMap::new(),
            expansions: 0,
            any: 0,
        };
        c.nodes.push(Node::Leaf(Box::new(Leaf {
            loc: "(any)".into(),
            types: T_ALL,
            anything: true,
            fallback: 0,
            fraction_only: false,
            values: None,
            samples: Vec::new(),
            must: Vec::new(),
            must_not: Vec::new(),
            string: StrSpec::default(),
            number: NumSpec { int_step: 1, ..NumSpec::default() },
            array: ArrSpec { rest: 0, ..ArrSpec::default() },
            object: ObjSpec { extra: Some(0), ..ObjSpec::default() },
        })));
        let root = c.compile(vec![Loc { key: format!("{}#", docs.root), v: root_v }])?;
        Ok(Plan { nodes: c.nodes, root, regexes: c.regexes, checks: c.checks })
    }
}

impl<'d> Compiler<'d> {
    fn flatten(&self, loc: Loc<'d>, fl: &mut Flat<'d>, depth: usize) -> Result<(), String> {
        if depth > MAX_FLATTEN_DEPTH {
            return Err(format!("{}: allOf/$ref chain nested deeper than {MAX_FLATTEN_DEPTH}", display_loc(&loc.key)));
        }
        let m = match loc.v {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => {
                fl.never.get_or_insert_with(|| format!("{} is the `false` schema", display_loc(&loc.key)));
                return Ok(());
            }
            Value::Object(m) => m,
            // Not a schema; compiling the validator reports that, sampling just ignores it.
            _ => return Ok(()),
        };
        fl.objs.push(loc.clone());
        for kw in ["$ref", "$dynamicRef"] {
            if let Some(Value::String(r)) = m.get(kw) {
                if fl.stack.contains(r) {
                    // Already part of this conjunction: A and A is A.
                    continue;
                }
                let target = self
                    .docs
                    .get(r)
                    .ok_or_else(|| format!("{}: {kw} target {} not found", display_loc(&loc.key), display_loc(r)))?;
                fl.stack.push(r.clone());
                self.flatten(Loc { key: r.clone(), v: target }, fl, depth + 1)?;
                fl.stack.pop();
            }
        }
        if let Some(Value::Array(parts)) = m.get("allOf") {
            for (i, p) in parts.iter().enumerate() {
                self.flatten(loc.child(&["allOf", &i.to_string()], p), fl, depth + 1)?;
            }
        }
        for (kw, one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(Value::Array(bs)) = m.get(kw)
                && !bs.is_empty()
            {
                let locs = bs.iter().enumerate().map(|(i, b)| loc.child(&[kw, &i.to_string()], b)).collect();
                let gkey = loc.child(&[kw], loc.v).key;
                fl.groups.push(if one { Group::One(gkey, locs) } else { Group::Any(gkey, locs) });
            }
        }
        if let Some(cond) = m.get("if") {
            let then = m.get("then").map(|t| loc.child(&["then"], t));
            let els = m.get("else").map(|e| loc.child(&["else"], e));
            if then.is_some() || els.is_some() {
                fl.groups.push(Group::If {
                    loc: loc.child(&["if"], cond).key,
                    cond: loc.child(&["if"], cond),
                    then,
                    els,
                });
            }
        }
        if let Some(n) = m.get("not") {
            fl.nots.push(loc.child(&["not"], n));
        }
        Ok(())
    }

    fn compile(&mut self, locs: Vec<Loc<'d>>) -> Result<NodeId, String> {
        let key = locs.iter().map(|l| l.key.as_str()).collect::<Vec<_>>().join("&");
        if let Some(&id) = self.cache.get(&key) {
            return Ok(id);
        }
        let mut fl = Flat::default();
        for l in locs {
            self.flatten(l, &mut fl, 0)?;
        }
        self.compile_flat(fl, key)
    }

    fn compile_flat(&mut self, fl: Flat<'d>, key: String) -> Result<NodeId, String> {
        if let Some(&id) = self.cache.get(&key) {
            return Ok(id);
        }
        if self.nodes.len() >= MAX_NODES {
            return Err(format!(
                "{}: schema too complex to sample (more than {MAX_NODES} distinct subschemas after merging)",
                display_loc(&key)
            ));
        }
        let id = self.nodes.len();
        // Placeholder so recursive references to this node resolve while it is being built.
        self.nodes.push(Node::Never(Box::new(Never { loc: display_loc(&key), why: "unfinished".into() })));
        self.cache.insert(key.clone(), id);
        let node = self.build(fl, &key)?;
        self.nodes[id] = node;
        Ok(id)
    }

    fn never(&mut self, loc: String, why: String) -> NodeId {
        self.nodes.push(Node::Never(Box::new(Never { loc, why })));
        self.nodes.len() - 1
    }

    /// Merges `dependentSchemas` (and draft-7 schema `dependencies`) whose trigger property is
    /// required, since they then always apply. Optional triggers become checks in [`Self::leaf`].
    fn apply_dependent(&self, fl: &mut Flat<'d>) -> Result<(), String> {
        loop {
            let required: BTreeSet<&str> = fl
                .objs
                .iter()
                .filter_map(|o| o.v.get("required")?.as_array())
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut todo = Vec::new();
            for o in &fl.objs {
                for kw in ["dependentSchemas", "dependencies"] {
                    if let Some(Value::Object(d)) = o.v.get(kw) {
                        for (k, v) in d {
                            let l = o.child(&[kw, k], v);
                            if !v.is_array() && required.contains(k.as_str()) && !fl.applied.contains(&l.key) {
                                todo.push(l);
                            }
                        }
                    }
                }
            }
            if todo.is_empty() {
                return Ok(());
            }
            for l in todo {
                fl.applied.push(l.key.clone());
                self.flatten(l, fl, 0)?;
            }
        }
    }

    fn build(&mut self, mut fl: Flat<'d>, key: &str) -> Result<Node, String> {
        self.apply_dependent(&mut fl)?;
        if let Some(why) = fl.never.take() {
            return Ok(Node::Never(Box::new(Never { loc: display_loc(key), why })));
        }
        if !fl.groups.is_empty() && self.expansions < MAX_BRANCH_EXPANSIONS {
            let g = fl.groups.remove(0);
            return self.expand(fl, g, key);
        }
        self.leaf(fl, key)
    }

    fn expand(&mut self, fl: Flat<'d>, g: Group<'d>, key: &str) -> Result<Node, String> {
        let mut branches = Vec::new();
        let gloc;
        match g {
            Group::Any(loc, bs) => {
                gloc = loc;
                self.expansions += bs.len();
                for b in &bs {
                    let mut f2 = fl.clone();
                    self.flatten(b.clone(), &mut f2, 0)?;
                    let node = self.compile_flat(f2, format!("{key}|{}", b.key))?;
                    branches.push(Branch { node, must: vec![], must_not: vec![] });
                }
            }
            Group::One(loc, bs) => {
                gloc = loc;
                self.expansions += bs.len();
                let checks: Vec<Option<CheckId>> = bs.iter().map(|b| self.check(b)).collect();
                for (i, b) in bs.iter().enumerate() {
                    let mut f2 = fl.clone();
                    self.flatten(b.clone(), &mut f2, 0)?;
                    let node = self.compile_flat(f2, format!("{key}|{}", b.key))?;
                    let must_not = checks.iter().enumerate().filter(|(j, _)| *j != i).filter_map(|(_, c)| *c).collect();
                    branches.push(Branch { node, must: vec![], must_not });
                }
            }
            Group::If { loc, cond, then, els } => {
                gloc = loc;
                self.expansions += 2;
                let cond_check: Vec<CheckId> = self.check(&cond).into_iter().collect();
                let mut f_then = fl.clone();
                self.flatten(cond.clone(), &mut f_then, 0)?;
                if let Some(t) = &then {
                    self.flatten(t.clone(), &mut f_then, 0)?;
                }
                let node = self.compile_flat(f_then, format!("{key}|then:{}", cond.key))?;
                branches.push(Branch { node, must: cond_check.clone(), must_not: vec![] });
                let mut f_else = fl.clone();
                if let Some(e) = &els {
                    self.flatten(e.clone(), &mut f_else, 0)?;
                }
                let node = self.compile_flat(f_else, format!("{key}|else:{}", cond.key))?;
                branches.push(Branch { node, must: vec![], must_not: cond_check });
            }
        }
        Ok(Node::Choice(Box::new(Choice { loc: display_loc(&gloc), branches })))
    }

    /// A validator for a located subschema (cached by location).
    fn check(&mut self, loc: &Loc<'d>) -> Option<CheckId> {
        self.check_value(loc.key.clone(), loc.v.clone())
    }

    fn check_value(&mut self, key: String, mut schema: Value) -> Option<CheckId> {
        if let Some(c) = self.check_cache.get(&key) {
            return *c;
        }
        if let Value::Object(m) = &mut schema {
            // The subschema is lifted out of its document: its refs are already absolute, and an
            // `$id` would only re-base them.
            for k in ["$id", "$schema", "$anchor", "$dynamicAnchor"] {
                m.remove(k);
            }
            if let Some(d) = &self.draft {
                m.insert("$schema".into(), d.clone());
            }
        }
        let built = jsonschema::options()
            .with_retriever(self.docs.retriever().clone())
            .should_validate_formats(true)
            .build(&schema)
            .ok();
        let id = built.map(|v| {
            self.checks.push(v);
            self.checks.len() - 1
        });
        self.check_cache.insert(key, id);
        id
    }

    fn regex(&mut self, pattern: &str, max_repeat: u32, min: usize, max: Option<usize>) -> Result<usize, String> {
        let k = (pattern.to_string(), max_repeat, min, max);
        if let Some(r) = self.regex_cache.get(&k) {
            return r.clone();
        }
        let r = regexgen::compile_sized(pattern, max_repeat, min, max).map(|g| {
            self.regexes.push(g);
            self.regexes.len() - 1
        });
        let r = r.map_err(|e| format!("pattern /{pattern}/ cannot be sampled: {e}"));
        self.regex_cache.insert(k, r.clone());
        r
    }

    fn compile_or_any(&mut self, locs: Vec<Loc<'d>>) -> Result<NodeId, String> {
        if locs.is_empty() { Ok(self.any) } else { self.compile(locs) }
    }
}
