//! Compiles a JSON Schema into a sampling [`Plan`]: a graph of nodes in which every `$ref` is
//! resolved, every `allOf` is merged into one set of constraints, and every `anyOf`/`oneOf`/
//! `if`-`then`-`else` is expanded into alternative branches that already carry their siblings'
//! constraints. The generator then only walks the graph; nothing is resolved, parsed or compiled
//! per sample. Constraints the generator cannot build values for directly (a second `pattern`, a
//! `not`, oneOf exclusivity) become small precompiled validators it checks locally before retrying.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value, json};

use super::fakes::{self, Format, Hint};
use super::regexgen;
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

    #[allow(clippy::too_many_lines)]
    fn leaf(&mut self, fl: Flat<'d>, key: &str) -> Result<Node, String> {
        let loc = display_loc(key);
        let mut types = T_ALL;
        let mut typed = false;
        let mut fam = 0u8;
        let mut consts: Vec<&Value> = Vec::new();
        let mut enums: Vec<&Vec<Value>> = Vec::new();
        let mut samples: Vec<Value> = Vec::new();
        let mut s = StrSpec::default();
        let mut patterns: Vec<&str> = Vec::new();
        let mut formats: Vec<&str> = Vec::new();
        let mut n = NumSpec { int_step: 1, ..NumSpec::default() };
        let mut mults: Vec<f64> = Vec::new();
        let mut arr_parts: Vec<ArrPart<'d>> = Vec::new();
        let mut a = ArrSpec::default();
        let mut contains: Option<Loc<'d>> = None;
        let mut max_contains: Option<usize> = None;
        let mut closed_items = false;
        let mut obj_parts: Vec<ObjPart<'d>> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        let mut o = ObjSpec::default();
        let mut prop_names: Vec<Loc<'d>> = Vec::new();
        let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut closed_props = false;
        let mut must: Vec<CheckId> = Vec::new();

        let tighten_lo = |n: &mut NumSpec, v: f64, excl: bool| {
            if n.lo.is_none_or(|lo| v > lo || (v == lo && excl)) {
                n.lo = Some(v);
                n.lo_excl = excl;
            }
        };
        let tighten_hi = |n: &mut NumSpec, v: f64, excl: bool| {
            if n.hi.is_none_or(|hi| v < hi || (v == hi && excl)) {
                n.hi = Some(v);
                n.hi_excl = excl;
            }
        };

        for part in &fl.objs {
            let Some(m) = part.v.as_object() else { continue };
            fam |= families(m);
            if let Some(t) = m.get("type") {
                typed = true;
                types &= type_bits(t);
            }
            if let Some(c) = m.get("const") {
                consts.push(c);
            }
            if let Some(Value::Array(e)) = m.get("enum") {
                enums.push(e);
            }
            if let Some(d) = m.get("default") {
                samples.push(d.clone());
            }
            if let Some(Value::Array(ex)) = m.get("examples") {
                samples.extend(ex.iter().cloned());
            }
            // strings
            if let Some(v) = as_usize(m.get("minLength")) {
                s.min = s.min.max(v);
            }
            if let Some(v) = as_usize(m.get("maxLength")) {
                s.max = Some(s.max.map_or(v, |x| x.min(v)));
            }
            if let Some(Value::String(p)) = m.get("pattern") {
                patterns.push(p);
            }
            if let Some(Value::String(f)) = m.get("format") {
                formats.push(f);
            }
            // numbers (draft 4 spells exclusive bounds as booleans next to minimum/maximum)
            let excl_min_bool = m.get("exclusiveMinimum").and_then(Value::as_bool).unwrap_or(false);
            let excl_max_bool = m.get("exclusiveMaximum").and_then(Value::as_bool).unwrap_or(false);
            if let Some(v) = m.get("minimum").and_then(Value::as_f64) {
                tighten_lo(&mut n, v, excl_min_bool);
            }
            if let Some(v) = m.get("maximum").and_then(Value::as_f64) {
                tighten_hi(&mut n, v, excl_max_bool);
            }
            if let Some(v) = m.get("exclusiveMinimum").and_then(Value::as_f64) {
                tighten_lo(&mut n, v, true);
            }
            if let Some(v) = m.get("exclusiveMaximum").and_then(Value::as_f64) {
                tighten_hi(&mut n, v, true);
            }
            if let Some(v) = m.get("multipleOf").and_then(Value::as_f64)
                && v > 0.0
                && v.is_finite()
            {
                mults.push(v);
            }
            // arrays
            let mut ap = ArrPart { prefix: Vec::new(), rest: None };
            let mut has_arr = false;
            if let Some(Value::Array(p)) = m.get("prefixItems") {
                ap.prefix =
                    p.iter().enumerate().map(|(i, x)| part.child(&["prefixItems", &i.to_string()], x)).collect();
                has_arr = true;
            }
            match m.get("items") {
                Some(Value::Array(p)) => {
                    ap.prefix = p.iter().enumerate().map(|(i, x)| part.child(&["items", &i.to_string()], x)).collect();
                    ap.rest = m.get("additionalItems").map(|x| part.child(&["additionalItems"], x));
                    has_arr = true;
                }
                Some(x) => {
                    ap.rest = Some(part.child(&["items"], x));
                    has_arr = true;
                }
                None => {}
            }
            if has_arr {
                arr_parts.push(ap);
            }
            if let Some(v) = as_usize(m.get("minItems")) {
                a.min = a.min.max(v);
            }
            if let Some(v) = as_usize(m.get("maxItems")) {
                a.max = Some(a.max.map_or(v, |x| x.min(v)));
            }
            if m.get("uniqueItems") == Some(&Value::Bool(true)) {
                a.unique = true;
            }
            if let Some(c) = m.get("contains")
                && contains.is_none()
            {
                contains = Some(part.child(&["contains"], c));
                a.min_contains = as_usize(m.get("minContains")).unwrap_or(1);
                max_contains = as_usize(m.get("maxContains"));
            }
            if m.get("unevaluatedItems") == Some(&Value::Bool(false)) {
                closed_items = true;
            }
            // objects
            let props = m.get("properties").and_then(Value::as_object);
            let patterns_pp: Vec<(regex::Regex, Loc<'d>)> = m
                .get("patternProperties")
                .and_then(Value::as_object)
                .map(|pp| {
                    pp.iter()
                        .filter_map(|(p, sch)| {
                            regex::Regex::new(p).ok().map(|re| (re, part.child(&["patternProperties", p], sch)))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let additional = m.get("additionalProperties").map(|x| part.child(&["additionalProperties"], x));
            if props.is_some() || !patterns_pp.is_empty() || additional.is_some() {
                obj_parts.push(ObjPart { key: part.key.clone(), props, patterns: patterns_pp, additional });
            }
            if let Some(Value::Array(r)) = m.get("required") {
                for name in r.iter().filter_map(Value::as_str) {
                    if !required.iter().any(|x| x == name) {
                        required.push(name.to_string());
                    }
                }
            }
            if let Some(v) = as_usize(m.get("minProperties")) {
                o.min = o.min.max(v);
            }
            if let Some(v) = as_usize(m.get("maxProperties")) {
                o.max = Some(o.max.map_or(v, |x| x.min(v)));
            }
            if let Some(pn) = m.get("propertyNames") {
                prop_names.push(part.child(&["propertyNames"], pn));
            }
            for kw in ["dependentRequired", "dependencies"] {
                if let Some(Value::Object(d)) = m.get(kw) {
                    for (k, v) in d {
                        if let Value::Array(names) = v {
                            let e = deps.entry(k.clone()).or_default();
                            e.extend(names.iter().filter_map(Value::as_str).map(String::from));
                        }
                    }
                }
            }
            match m.get("unevaluatedProperties") {
                None | Some(Value::Bool(true)) => {}
                Some(_) => closed_props = true,
            }
        }

        // `not`
        let mut must_not = Vec::new();
        let mut not_bits = 0u8;
        for nl in &fl.nots {
            match pure_type_not(nl.v) {
                Some(bits) => not_bits |= bits,
                None => must_not.extend(self.check(nl)),
            }
        }
        // What the schema literally allows, as opposed to the types we prefer to generate when
        // no `type` is given (`{"minimum": 3}` allows strings, but we produce numbers).
        let declared = types & !not_bits;
        let anything = !typed && fam == 0;
        if !typed && fam != 0 {
            types = fam;
        }
        types &= !not_bits;

        // const / enum
        let mut values: Option<Vec<Value>> = None;
        if !consts.is_empty() || !enums.is_empty() {
            let mut vals: Vec<Value> = match consts.first() {
                Some(c) => vec![(*c).clone()],
                None => enums[0].clone(),
            };
            vals.retain(|v| consts.iter().all(|c| *c == v) && enums.iter().all(|e| e.contains(v)));
            vals.retain(|v| value_bits(v) & declared != 0);
            values = Some(vals);
        }
        let need_full = values.as_ref().is_some_and(|v| !v.is_empty()) || !samples.is_empty();
        if need_full {
            let parts: Vec<Value> = fl.objs.iter().map(|l| l.v.clone()).collect();
            let mut all = json!({ "allOf": parts });
            if !fl.nots.is_empty() {
                all["not"] = json!({ "anyOf": fl.nots.iter().map(|l| l.v.clone()).collect::<Vec<_>>() });
            }
            if let Some(c) = self.check_value(format!("{key}!all"), all) {
                let v = &self.checks[c];
                if let Some(vals) = values.as_mut() {
                    vals.retain(|x| v.is_valid(x));
                }
                samples.retain(|x| v.is_valid(x));
            }
        }
        if let Some(v) = &values {
            if v.is_empty() {
                return Ok(Node::Never(Box::new(Never {
                    loc,
                    why: "no const/enum value satisfies the other constraints".into(),
                })));
            }
        } else if types == 0 {
            return Ok(Node::Never(Box::new(Never { loc, why: "the `type` constraints exclude every type".into() })));
        }

        // strings
        if types & T_STR != 0 && values.is_none() {
            if s.max.is_some_and(|mx| mx < s.min) {
                types &= !T_STR;
            }
            if let Some(p) = patterns.first() {
                let mut rep = 8usize.max(s.min);
                if let Some(mx) = s.max {
                    rep = rep.min(mx.max(1));
                }
                let rep = rep.min(256) as u32;
                s.pattern = Some(self.regex(p, rep, s.min, s.max));
                s.matcher = regex::Regex::new(p).ok();
                for p in &patterns[1..] {
                    must.extend(self.check_value(format!("pattern:{p}"), json!({ "pattern": p })));
                }
            }
            if let Some(f) = formats.first() {
                s.format = Some(Format::parse(f));
                for f2 in formats.iter().skip(1).filter(|f2| *f2 != f) {
                    must.extend(self.check_value(format!("format:{f2}"), json!({ "type": "string", "format": f2 })));
                }
            }
        }

        // numbers
        if types & (T_INT | T_NUM) != 0 && values.is_none() {
            if let Some(&m0) = mults.first() {
                let mut m = m0;
                for &m2 in &mults[1..] {
                    let both_int = m.fract() == 0.0 && m2.fract() == 0.0 && m < SAFE_INT as f64 && m2 < SAFE_INT as f64;
                    if both_int {
                        let (x, y) = (m as i64, m2 as i64);
                        match (x / gcd(x, y)).checked_mul(y) {
                            Some(l) if l < SAFE_INT => m = l as f64,
                            _ => must.extend(self.check_value(format!("multipleOf:{m2}"), json!({ "multipleOf": m2 }))),
                        }
                    } else if m2 > m && (m2 / m).fract() == 0.0 {
                        m = m2;
                    } else if (m / m2).fract() != 0.0 {
                        must.extend(self.check_value(format!("multipleOf:{m2}"), json!({ "multipleOf": m2 })));
                    }
                }
                n.multiple_of = Some(m);
                n.decimal_step = decimal_parts(m);
                n.int_step = if m.fract() == 0.0 && m < SAFE_INT as f64 {
                    m as i64
                } else if let Some((mant, d)) = n.decimal_step {
                    // The smallest integer that is a multiple of mant/10^d.
                    let p = 10i64.checked_pow(d as u32).unwrap_or(i64::MAX);
                    mant / gcd(mant, p)
                } else {
                    0
                };
            }
            // i64 is what we can print exactly; bounds beyond it leave no integer we can produce.
            let lo_f = n.lo.map(|lo| if n.lo_excl { lo.floor() + 1.0 } else { lo.ceil() });
            let hi_f = n.hi.map(|hi| if n.hi_excl { hi.ceil() - 1.0 } else { hi.floor() });
            let outside = lo_f.is_some_and(|x| x > i64::MAX as f64) || hi_f.is_some_and(|x| x < i64::MIN as f64);
            n.int_lo = lo_f.map(|x| x as i64);
            n.int_hi = hi_f.map(|x| x as i64);
            let int_possible = !outside
                && n.int_step > 0
                && match (n.int_lo, n.int_hi) {
                    (Some(l), Some(h)) => {
                        l.div_euclid(n.int_step) + i64::from(l.rem_euclid(n.int_step) != 0) <= h.div_euclid(n.int_step)
                    }
                    _ => true,
                };
            if !int_possible {
                types &= !T_INT;
            }
            if let (Some(lo), Some(hi)) = (n.lo, n.hi)
                && (lo > hi || (lo == hi && (n.lo_excl || n.hi_excl)))
            {
                types &= !(T_INT | T_NUM);
            }
        }

        // arrays
        if types & T_ARR != 0 && values.is_none() {
            let max_prefix = arr_parts.iter().map(|p| p.prefix.len()).max().unwrap_or(0);
            let mut cap = a.max;
            fn capped(c: &mut Option<usize>, at: usize) {
                *c = Some(c.map_or(at, |x| x.min(at)));
            }
            for i in 0..max_prefix {
                let mut locs = Vec::new();
                let mut forbidden = false;
                for p in &arr_parts {
                    let l = if i < p.prefix.len() { Some(&p.prefix[i]) } else { p.rest.as_ref() };
                    if let Some(l) = l {
                        if l.v == &Value::Bool(false) {
                            forbidden = true;
                        } else {
                            locs.push(l.clone());
                        }
                    }
                }
                if forbidden {
                    capped(&mut cap, i);
                    break;
                }
                let node = self.compile_or_any(locs)?;
                a.prefix.push(node);
            }
            let mut rest_locs = Vec::new();
            for p in &arr_parts {
                if let Some(r) = &p.rest {
                    if r.v == &Value::Bool(false) {
                        capped(&mut cap, a.prefix.len());
                    } else {
                        rest_locs.push(r.clone());
                    }
                }
            }
            if closed_items {
                capped(&mut cap, a.prefix.len());
            }
            if let Some(c) = &contains
                && a.min_contains > 0
            {
                let mut locs = rest_locs.clone();
                locs.push(c.clone());
                a.contains = Some(self.compile(locs)?);
            }
            a.rest = self.compile_or_any(rest_locs)?;
            a.max = cap;
            if let (Some(c), Some(mc)) = (&contains, max_contains) {
                if mc < a.min_contains {
                    types &= !T_ARR;
                } else {
                    let schema = json!({"contains": c.v.clone(), "minContains": a.min_contains, "maxContains": mc});
                    must.extend(self.check_value(format!("{}!maxContains", c.key), schema));
                }
            }
            if a.max.is_some_and(|mx| mx < a.min.max(if a.contains.is_some() { a.min_contains } else { 0 })) {
                types &= !T_ARR;
            }
        }

        // objects
        if types & T_OBJ != 0 && values.is_none() {
            let mut names: BTreeSet<String> = BTreeSet::new();
            for p in &obj_parts {
                if let Some(props) = p.props {
                    names.extend(props.keys().cloned());
                }
            }
            names.extend(required.iter().cloned());
            for (k, v) in &deps {
                names.insert(k.clone());
                names.extend(v.iter().cloned());
            }
            for name in &names {
                let mut locs = Vec::new();
                let mut forbidden: Option<String> = None;
                for p in &obj_parts {
                    if let Some(sch) = p.props.and_then(|m| m.get(name)) {
                        locs.push(Loc { key: format!("{}/properties/{}", p.key, escape_token(name)), v: sch });
                        continue;
                    }
                    let mut matched = false;
                    for (re, l) in &p.patterns {
                        if re.is_match(name) {
                            locs.push(l.clone());
                            matched = true;
                        }
                    }
                    if !matched && let Some(ad) = &p.additional {
                        if ad.v == &Value::Bool(false) {
                            forbidden = Some(ad.key.clone());
                        } else {
                            locs.push(ad.clone());
                        }
                    }
                }
                let node = match forbidden {
                    Some(fk) => self.never(
                        format!("{loc}/properties/{}", escape_token(name)),
                        format!("property \"{name}\" is required or listed but {} forbids it", display_loc(&fk)),
                    ),
                    None => self.compile_or_any(locs)?,
                };
                o.props.push(Prop {
                    name: name.clone(),
                    node,
                    required: required.contains(name),
                    hint: fakes::classify(name),
                });
            }
            let index = |n: &str, props: &[Prop]| props.iter().position(|p| p.name == n);
            for (k, v) in &deps {
                if let Some(i) = index(k, &o.props) {
                    let d: Vec<usize> = v.iter().filter_map(|x| index(x, &o.props)).collect();
                    o.deps.push((i, d));
                }
            }
            let mut extra_locs = Vec::new();
            let mut extra_forbidden = closed_props;
            for p in &obj_parts {
                if let Some(ad) = &p.additional {
                    if ad.v == &Value::Bool(false) {
                        extra_forbidden = true;
                    } else {
                        o.extra_explicit = true;
                        extra_locs.push(ad.clone());
                    }
                }
            }
            o.extra = if extra_forbidden { None } else { Some(self.compile_or_any(extra_locs)?) };
            if !prop_names.is_empty() {
                o.name_node = Some(self.compile(prop_names)?);
            }
            {
                let pats: Vec<(String, Loc<'d>)> = obj_parts
                    .iter()
                    .flat_map(|p| p.patterns.iter().map(|(re, l)| (re.as_str().to_string(), l.clone())))
                    .collect();
                for (p, l) in pats {
                    if let Ok(r) = self.regex(&p, 8, 0, None) {
                        let node = self.compile(vec![l])?;
                        o.pattern_names.push((r, node));
                    }
                }
            }
            let n_required = o.props.iter().filter(|p| p.required).count();
            if o.max.is_some_and(|mx| mx < n_required.max(o.min)) {
                types &= !T_OBJ;
            }
        }

        // dependentSchemas with optional triggers are enforced by checks
        for part in &fl.objs {
            for kw in ["dependentSchemas", "dependencies"] {
                if let Some(Value::Object(d)) = part.v.get(kw) {
                    for (k, v) in d {
                        let l = part.child(&[kw, k], v);
                        if !v.is_array() && !fl.applied.contains(&l.key) {
                            let schema = json!({ kw: { k.clone(): v.clone() } });
                            must.extend(self.check_value(l.key, schema));
                        }
                    }
                }
            }
        }

        // groups left over once the expansion budget ran out are enforced by checks
        for g in &fl.groups {
            let (k, schema) = match g {
                Group::Any(k, bs) => {
                    (k.clone(), json!({ "anyOf": bs.iter().map(|b| b.v.clone()).collect::<Vec<_>>() }))
                }
                Group::One(k, bs) => {
                    (k.clone(), json!({ "oneOf": bs.iter().map(|b| b.v.clone()).collect::<Vec<_>>() }))
                }
                Group::If { loc, cond, then, els } => {
                    let mut m = Map::new();
                    m.insert("if".into(), cond.v.clone());
                    if let Some(t) = then {
                        m.insert("then".into(), t.v.clone());
                    }
                    if let Some(e) = els {
                        m.insert("else".into(), e.v.clone());
                    }
                    (loc.clone(), Value::Object(m))
                }
            };
            must.extend(self.check_value(k, schema));
        }

        if values.is_none() && types == 0 {
            return Ok(Node::Never(Box::new(Never {
                loc,
                why: "the constraints leave no possible value (bounds, lengths or item/property counts contradict)"
                    .into(),
            })));
        }
        Ok(Node::Leaf(Box::new(Leaf {
            loc,
            types,
            anything,
            fallback: if values.is_none() { declared & !types } else { 0 },
            fraction_only: declared & T_INT == 0,
            values,
            samples,
            must,
            must_not,
            string: s,
            number: n,
            array: a,
            object: o,
        })))
    }
}
