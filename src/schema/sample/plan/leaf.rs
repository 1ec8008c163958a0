//! Compiling a merged conjunction of subschemas (a [`Flat`] without groups left to expand) into
//! one [`Leaf`]: keywords are first gathered per family from every `allOf` part, then each family
//! is turned into its spec, in a fixed order (strings, numbers, arrays, objects, then the checks
//! for what no spec can express), because nodes, regexes and checks are numbered in the order they
//! are compiled and seeded samples must not change.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::{
    ArrPart, ArrSpec, CheckId, Compiler, Flat, Group, Leaf, Loc, Never, Node, NumSpec, ObjPart, ObjSpec, Prop,
    SAFE_INT, StrSpec, T_ALL, T_ARR, T_INT, T_NUM, T_OBJ, T_STR, as_usize, decimal_parts, display_loc, families, gcd,
    pure_type_not, type_bits, value_bits,
};
use crate::schema::resolve::escape_token;
use crate::schema::sample::fakes::{self, Format};

/// Keywords that apply whatever the type: `type`, `const`, `enum`, `default`, `examples`.
struct AnyKw<'d> {
    types: u8,
    typed: bool,
    /// Types implied by family keywords (`minLength` implies strings), see [`families`].
    fam: u8,
    consts: Vec<&'d Value>,
    enums: Vec<&'d Vec<Value>>,
    samples: Vec<Value>,
}

#[derive(Default)]
struct StrKw<'d> {
    spec: StrSpec,
    patterns: Vec<&'d str>,
    formats: Vec<&'d str>,
}

struct NumKw {
    spec: NumSpec,
    mults: Vec<f64>,
}

#[derive(Default)]
struct ArrKw<'d> {
    parts: Vec<ArrPart<'d>>,
    spec: ArrSpec,
    contains: Option<Loc<'d>>,
    max_contains: Option<usize>,
    /// `unevaluatedItems: false`.
    closed: bool,
}

#[derive(Default)]
struct ObjKw<'d> {
    parts: Vec<ObjPart<'d>>,
    required: Vec<String>,
    spec: ObjSpec,
    names: Vec<Loc<'d>>,
    deps: BTreeMap<String, Vec<String>>,
    /// `unevaluatedProperties` other than `true`.
    closed: bool,
}

fn collect_any<'d>(m: &'d Map<String, Value>, k: &mut AnyKw<'d>) {
    k.fam |= families(m);
    if let Some(t) = m.get("type") {
        k.typed = true;
        k.types &= type_bits(t);
    }
    if let Some(c) = m.get("const") {
        k.consts.push(c);
    }
    if let Some(Value::Array(e)) = m.get("enum") {
        k.enums.push(e);
    }
    if let Some(d) = m.get("default") {
        k.samples.push(d.clone());
    }
    if let Some(Value::Array(ex)) = m.get("examples") {
        k.samples.extend(ex.iter().cloned());
    }
}

fn collect_strings<'d>(m: &'d Map<String, Value>, k: &mut StrKw<'d>) {
    if let Some(v) = as_usize(m.get("minLength")) {
        k.spec.min = k.spec.min.max(v);
    }
    if let Some(v) = as_usize(m.get("maxLength")) {
        k.spec.max = Some(k.spec.max.map_or(v, |x| x.min(v)));
    }
    if let Some(Value::String(p)) = m.get("pattern") {
        k.patterns.push(p);
    }
    if let Some(Value::String(f)) = m.get("format") {
        k.formats.push(f);
    }
}

fn tighten_lo(n: &mut NumSpec, v: f64, excl: bool) {
    if n.lo.is_none_or(|lo| v > lo || (v == lo && excl)) {
        n.lo = Some(v);
        n.lo_excl = excl;
    }
}

fn tighten_hi(n: &mut NumSpec, v: f64, excl: bool) {
    if n.hi.is_none_or(|hi| v < hi || (v == hi && excl)) {
        n.hi = Some(v);
        n.hi_excl = excl;
    }
}

fn collect_numbers(m: &Map<String, Value>, k: &mut NumKw) {
    let n = &mut k.spec;
    // Draft 4 spells exclusive bounds as booleans next to minimum/maximum.
    let excl_min_bool = m.get("exclusiveMinimum").and_then(Value::as_bool).unwrap_or(false);
    let excl_max_bool = m.get("exclusiveMaximum").and_then(Value::as_bool).unwrap_or(false);
    if let Some(v) = m.get("minimum").and_then(Value::as_f64) {
        tighten_lo(n, v, excl_min_bool);
    }
    if let Some(v) = m.get("maximum").and_then(Value::as_f64) {
        tighten_hi(n, v, excl_max_bool);
    }
    if let Some(v) = m.get("exclusiveMinimum").and_then(Value::as_f64) {
        tighten_lo(n, v, true);
    }
    if let Some(v) = m.get("exclusiveMaximum").and_then(Value::as_f64) {
        tighten_hi(n, v, true);
    }
    if let Some(v) = m.get("multipleOf").and_then(Value::as_f64)
        && v > 0.0
        && v.is_finite()
    {
        k.mults.push(v);
    }
}

fn collect_arrays<'d>(part: &Loc<'d>, m: &'d Map<String, Value>, k: &mut ArrKw<'d>) {
    let mut ap = ArrPart { prefix: Vec::new(), rest: None };
    let mut has_arr = false;
    if let Some(Value::Array(p)) = m.get("prefixItems") {
        ap.prefix = p.iter().enumerate().map(|(i, x)| part.child(&["prefixItems", &i.to_string()], x)).collect();
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
        k.parts.push(ap);
    }
    let a = &mut k.spec;
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
        && k.contains.is_none()
    {
        k.contains = Some(part.child(&["contains"], c));
        a.min_contains = as_usize(m.get("minContains")).unwrap_or(1);
        k.max_contains = as_usize(m.get("maxContains"));
    }
    if m.get("unevaluatedItems") == Some(&Value::Bool(false)) {
        k.closed = true;
    }
}

fn collect_objects<'d>(part: &Loc<'d>, m: &'d Map<String, Value>, k: &mut ObjKw<'d>) {
    let props = m.get("properties").and_then(Value::as_object);
    let patterns: Vec<(regex::Regex, Loc<'d>)> = m
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
    if props.is_some() || !patterns.is_empty() || additional.is_some() {
        k.parts.push(ObjPart { key: part.key.clone(), props, patterns, additional });
    }
    if let Some(Value::Array(r)) = m.get("required") {
        for name in r.iter().filter_map(Value::as_str) {
            if !k.required.iter().any(|x| x == name) {
                k.required.push(name.to_string());
            }
        }
    }
    let o = &mut k.spec;
    if let Some(v) = as_usize(m.get("minProperties")) {
        o.min = o.min.max(v);
    }
    if let Some(v) = as_usize(m.get("maxProperties")) {
        o.max = Some(o.max.map_or(v, |x| x.min(v)));
    }
    if let Some(pn) = m.get("propertyNames") {
        k.names.push(part.child(&["propertyNames"], pn));
    }
    for kw in ["dependentRequired", "dependencies"] {
        if let Some(Value::Object(d)) = m.get(kw) {
            for (name, v) in d {
                if let Value::Array(names) = v {
                    let e = k.deps.entry(name.clone()).or_default();
                    e.extend(names.iter().filter_map(Value::as_str).map(String::from));
                }
            }
        }
    }
    match m.get("unevaluatedProperties") {
        None | Some(Value::Bool(true)) => {}
        Some(_) => k.closed = true,
    }
}

fn capped(c: &mut Option<usize>, at: usize) {
    *c = Some(c.map_or(at, |x| x.min(at)));
}

impl<'d> Compiler<'d> {
    pub(super) fn leaf(&mut self, fl: Flat<'d>, key: &str) -> Result<Node, String> {
        let loc = display_loc(key);
        let mut any =
            AnyKw { types: T_ALL, typed: false, fam: 0, consts: Vec::new(), enums: Vec::new(), samples: Vec::new() };
        let mut s = StrKw::default();
        let mut n = NumKw { spec: NumSpec { int_step: 1, ..NumSpec::default() }, mults: Vec::new() };
        let mut a = ArrKw::default();
        let mut o = ObjKw::default();
        for part in &fl.objs {
            let Some(m) = part.v.as_object() else { continue };
            collect_any(m, &mut any);
            collect_strings(m, &mut s);
            collect_numbers(m, &mut n);
            collect_arrays(part, m, &mut a);
            collect_objects(part, m, &mut o);
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
        let mut types = any.types;
        let declared = types & !not_bits;
        let anything = !any.typed && any.fam == 0;
        if !any.typed && any.fam != 0 {
            types = any.fam;
        }
        types &= !not_bits;

        let values = self.const_enum(&fl, key, &mut any, declared);
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

        let mut must: Vec<CheckId> = Vec::new();
        if values.is_none() {
            if types & T_STR != 0 {
                self.strings(&mut s, &mut types, &mut must);
            }
            if types & (T_INT | T_NUM) != 0 {
                self.numbers(&mut n, &mut types, &mut must);
            }
            if types & T_ARR != 0 {
                self.arrays(&mut a, &mut types, &mut must)?;
            }
            if types & T_OBJ != 0 {
                self.objects(&mut o, &loc, &mut types)?;
            }
        }
        self.dependent_schema_checks(&fl, &mut must);
        self.leftover_group_checks(&fl, &mut must);

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
            samples: any.samples,
            must,
            must_not,
            string: s.spec,
            number: n.spec,
            array: a.spec,
            object: o.spec,
        })))
    }

    /// The `const`/`enum` candidates that every other constraint accepts (`None` when neither
    /// keyword is given); also drops `default`/`examples` that do not pass.
    fn const_enum(&mut self, fl: &Flat<'d>, key: &str, any: &mut AnyKw<'d>, declared: u8) -> Option<Vec<Value>> {
        let mut values: Option<Vec<Value>> = None;
        if !any.consts.is_empty() || !any.enums.is_empty() {
            let mut vals: Vec<Value> = match any.consts.first() {
                Some(c) => vec![(*c).clone()],
                None => any.enums[0].clone(),
            };
            vals.retain(|v| any.consts.iter().all(|c| *c == v) && any.enums.iter().all(|e| e.contains(v)));
            vals.retain(|v| value_bits(v) & declared != 0);
            values = Some(vals);
        }
        let need_full = values.as_ref().is_some_and(|v| !v.is_empty()) || !any.samples.is_empty();
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
                any.samples.retain(|x| v.is_valid(x));
            }
        }
        values
    }

    /// `minLength`/`maxLength`, the first `pattern` and `format` (later ones become checks).
    fn strings(&mut self, k: &mut StrKw<'d>, types: &mut u8, must: &mut Vec<CheckId>) {
        let s = &mut k.spec;
        if s.max.is_some_and(|mx| mx < s.min) {
            *types &= !T_STR;
        }
        if let Some(p) = k.patterns.first() {
            let mut rep = 8usize.max(s.min);
            if let Some(mx) = s.max {
                rep = rep.min(mx.max(1));
            }
            let rep = rep.min(256) as u32;
            s.pattern = Some(self.regex(p, rep, s.min, s.max));
            s.matcher = regex::Regex::new(p).ok();
            for p in &k.patterns[1..] {
                must.extend(self.check_value(format!("pattern:{p}"), json!({ "pattern": p })));
            }
        }
        if let Some(f) = k.formats.first() {
            s.format = Some(Format::parse(f));
            for f2 in k.formats.iter().skip(1).filter(|f2| *f2 != f) {
                must.extend(self.check_value(format!("format:{f2}"), json!({ "type": "string", "format": f2 })));
            }
        }
    }

    /// Bounds and `multipleOf` (merged into one step where exact, else checks), and whether an
    /// integer or any number is left at all.
    fn numbers(&mut self, k: &mut NumKw, types: &mut u8, must: &mut Vec<CheckId>) {
        let n = &mut k.spec;
        if let Some(&m0) = k.mults.first() {
            let mut m = m0;
            for &m2 in &k.mults[1..] {
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
            *types &= !T_INT;
        }
        if let (Some(lo), Some(hi)) = (n.lo, n.hi)
            && (lo > hi || (lo == hi && (n.lo_excl || n.hi_excl)))
        {
            *types &= !(T_INT | T_NUM);
        }
    }

    /// Item nodes (prefix, rest, `contains`), the length cap `false` items imply, and
    /// `maxContains` as a check.
    fn arrays(&mut self, k: &mut ArrKw<'d>, types: &mut u8, must: &mut Vec<CheckId>) -> Result<(), String> {
        let a = &mut k.spec;
        let max_prefix = k.parts.iter().map(|p| p.prefix.len()).max().unwrap_or(0);
        let mut cap = a.max;
        for i in 0..max_prefix {
            let mut locs = Vec::new();
            let mut forbidden = false;
            for p in &k.parts {
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
        for p in &k.parts {
            if let Some(r) = &p.rest {
                if r.v == &Value::Bool(false) {
                    capped(&mut cap, a.prefix.len());
                } else {
                    rest_locs.push(r.clone());
                }
            }
        }
        if k.closed {
            capped(&mut cap, a.prefix.len());
        }
        if let Some(c) = &k.contains
            && a.min_contains > 0
        {
            let mut locs = rest_locs.clone();
            locs.push(c.clone());
            a.contains = Some(self.compile(locs)?);
        }
        a.rest = self.compile_or_any(rest_locs)?;
        a.max = cap;
        if let (Some(c), Some(mc)) = (&k.contains, k.max_contains) {
            if mc < a.min_contains {
                *types &= !T_ARR;
            } else {
                let schema = json!({"contains": c.v.clone(), "minContains": a.min_contains, "maxContains": mc});
                must.extend(self.check_value(format!("{}!maxContains", c.key), schema));
            }
        }
        if a.max.is_some_and(|mx| mx < a.min.max(if a.contains.is_some() { a.min_contains } else { 0 })) {
            *types &= !T_ARR;
        }
        Ok(())
    }

    /// One node per named property (listed, required or in a dependency), the node for other
    /// properties, property-name nodes, and whether the property counts can be met.
    fn objects(&mut self, k: &mut ObjKw<'d>, loc: &str, types: &mut u8) -> Result<(), String> {
        let o = &mut k.spec;
        let mut names: BTreeSet<String> = BTreeSet::new();
        for p in &k.parts {
            if let Some(props) = p.props {
                names.extend(props.keys().cloned());
            }
        }
        names.extend(k.required.iter().cloned());
        for (dk, v) in &k.deps {
            names.insert(dk.clone());
            names.extend(v.iter().cloned());
        }
        for name in &names {
            let mut locs = Vec::new();
            let mut forbidden: Option<String> = None;
            for p in &k.parts {
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
                required: k.required.contains(name),
                hint: fakes::classify(name),
            });
        }
        let index = |n: &str, props: &[Prop]| props.iter().position(|p| p.name == n);
        for (dk, v) in &k.deps {
            if let Some(i) = index(dk, &o.props) {
                let d: Vec<usize> = v.iter().filter_map(|x| index(x, &o.props)).collect();
                o.deps.push((i, d));
            }
        }
        let mut extra_locs = Vec::new();
        let mut extra_forbidden = k.closed;
        for p in &k.parts {
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
        if !k.names.is_empty() {
            o.name_node = Some(self.compile(std::mem::take(&mut k.names))?);
        }
        let pats: Vec<(String, Loc<'d>)> = k
            .parts
            .iter()
            .flat_map(|p| p.patterns.iter().map(|(re, l)| (re.as_str().to_string(), l.clone())))
            .collect();
        for (p, l) in pats {
            if let Ok(r) = self.regex(&p, 8, 0, None) {
                let node = self.compile(vec![l])?;
                o.pattern_names.push((r, node));
            }
        }
        let n_required = o.props.iter().filter(|p| p.required).count();
        if o.max.is_some_and(|mx| mx < n_required.max(o.min)) {
            *types &= !T_OBJ;
        }
        Ok(())
    }

    /// `dependentSchemas` whose property is optional: enforced by checks.
    fn dependent_schema_checks(&mut self, fl: &Flat<'d>, must: &mut Vec<CheckId>) {
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
    }

    /// Groups left over once the expansion budget ran out: enforced by checks.
    fn leftover_group_checks(&mut self, fl: &Flat<'d>, must: &mut Vec<CheckId>) {
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
    }
}
