//! Walking a compiled [`Plan`] to build one value from an RNG: choices, then each type's
//! generator (numbers on their step, strings from patterns, formats or the property's name,
//! arrays and objects within their counts), backtracking locally when a branch fails its checks.
//! Nothing here validates the result; [`super::Generator`] does.

use chrono::{DateTime, Utc};
use rand::{Rng, RngExt};
use serde_json::{Map, Value};

use super::fakes::{self, Hint};
use super::plan::{Choice, Leaf, Node, NodeId, Plan, T_ARR, T_BOOL, T_INT, T_NULL, T_NUM, T_OBJ, T_STR};

/// From this depth on, optional properties are skipped and arrays/objects kept minimal, so
/// recursive schemas terminate.
const SOFT_DEPTH: u32 = 6;
const HARD_DEPTH: u32 = 48;
/// Upper bound on values built for one sample (backtracking included).
pub(super) const BUDGET: u32 = 100_000;
/// Longest array (and largest object) we are willing to build.
const MAX_ITEMS: usize = 10_000;
/// Longest free-text string we are willing to build.
const MAX_STRING: usize = 100_000;
/// Probability of including an optional property.
const OPTIONAL_P: f64 = 0.7;

/// Why a node could not be generated, with the schema location.
pub(super) struct Fail {
    pub(super) loc: String,
    pub(super) why: String,
    /// Retrying cannot help (the sample size limit was hit): stop at once.
    pub(super) fatal: bool,
}

impl Fail {
    pub(super) fn new(loc: &str, why: impl Into<String>) -> Fail {
        Fail { loc: loc.to_string(), why: why.into(), fatal: false }
    }

    fn fatal(loc: &str, why: impl Into<String>) -> Fail {
        Fail { fatal: true, ..Fail::new(loc, why) }
    }
}

pub(super) struct Gen<'a, R: Rng + ?Sized> {
    pub(super) plan: &'a Plan,
    pub(super) rng: &'a mut R,
    pub(super) now: DateTime<Utc>,
    pub(super) budget: u32,
}

fn loc_of(node: &Node) -> &str {
    match node {
        Node::Leaf(l) => &l.loc,
        Node::Choice(c) => &c.loc,
        Node::Never(n) => &n.loc,
    }
}

fn ceil_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b) + i64::from(a.rem_euclid(b) != 0)
}

impl<R: Rng + ?Sized> Gen<'_, R> {
    pub(super) fn node(&mut self, id: NodeId, depth: u32, hint: Hint) -> Result<Value, Fail> {
        let plan = self.plan;
        let node = &plan.nodes[id];
        if depth > HARD_DEPTH {
            return Err(Fail::new(
                loc_of(node),
                format!("recursion deeper than {HARD_DEPTH} levels (the schema requires infinite nesting?)"),
            ));
        }
        self.budget = self
            .budget
            .checked_sub(1)
            .ok_or_else(|| Fail::fatal(loc_of(node), format!("sample grew beyond {BUDGET} values")))?;
        match node {
            Node::Never(n) => Err(Fail::new(&n.loc, n.why.clone())),
            Node::Choice(c) => self.choice(c, depth, hint),
            Node::Leaf(l) => self.leaf(l, depth, hint),
        }
    }

    fn choice(&mut self, c: &Choice, depth: u32, hint: Hint) -> Result<Value, Fail> {
        let plan = self.plan;
        let n = c.branches.len();
        if n == 0 {
            return Err(Fail::new(&c.loc, "no branch"));
        }
        let start = self.rng.random_range(0..n);
        let mut last = None;
        for k in 0..n {
            let b = &c.branches[(start + k) % n];
            for _ in 0..4 {
                match self.node(b.node, depth, hint) {
                    Ok(v) => {
                        if b.must.iter().all(|&i| plan.checks[i].is_valid(&v))
                            && !b.must_not.iter().any(|&i| plan.checks[i].is_valid(&v))
                        {
                            return Ok(v);
                        }
                        last = Some(Fail::new(&c.loc, "generated value matched a competing oneOf branch or `if`"));
                    }
                    Err(f) if f.fatal => return Err(f),
                    Err(f) => {
                        last = Some(f);
                        break;
                    }
                }
            }
        }
        Err(last.unwrap_or_else(|| Fail::new(&c.loc, "no branch could be generated")))
    }

    fn leaf(&mut self, l: &Leaf, depth: u32, hint: Hint) -> Result<Value, Fail> {
        let plan = self.plan;
        // Deep down, a scalar the schema allows beats one more level of nesting.
        let (first, second) = if depth >= SOFT_DEPTH && l.fallback & !(T_ARR | T_OBJ) != 0 {
            (l.fallback, l.types)
        } else {
            (l.types, l.fallback)
        };
        if l.must.is_empty() && l.must_not.is_empty() {
            return match self.leaf_once(l, depth, hint, first) {
                Err(f) if !f.fatal && second != 0 => self.leaf_once(l, depth, hint, second),
                r => r,
            };
        }
        let mut last = None;
        for i in 0..16 {
            let types = if i % 2 == 1 && second != 0 { second } else { first };
            let v = match self.leaf_once(l, depth, hint, types) {
                Ok(v) => v,
                Err(f) if f.fatal => return Err(f),
                Err(f) => {
                    last = Some(f);
                    continue;
                }
            };
            if l.must.iter().all(|&i| plan.checks[i].is_valid(&v))
                && !l.must_not.iter().any(|&i| plan.checks[i].is_valid(&v))
            {
                return Ok(v);
            }
        }
        Err(last.unwrap_or_else(|| {
            Fail::new(&l.loc, "could not generate a value satisfying `not` / dependentSchemas / extra pattern, format or multipleOf constraints")
        }))
    }

    /// One attempt at a value of one of `types` (the leaf's preferred types or its fallbacks).
    fn leaf_once(&mut self, l: &Leaf, depth: u32, hint: Hint, types: u8) -> Result<Value, Fail> {
        if let Some(vals) = &l.values {
            return match vals.len() {
                0 => Err(Fail::new(&l.loc, "no allowed value")),
                n => Ok(vals[self.rng.random_range(0..n)].clone()),
            };
        }
        if !l.samples.is_empty() && self.rng.random_bool(0.15) {
            return Ok(l.samples[self.rng.random_range(0..l.samples.len())].clone());
        }
        match self.pick_type(l, types, depth, hint) {
            T_NULL => Ok(Value::Null),
            T_BOOL => Ok(Value::Bool(self.rng.random())),
            T_INT => self.integer(l, hint),
            T_NUM => self.number(l, hint),
            T_STR => self.string(l, hint),
            T_ARR => self.array(l, depth, hint),
            T_OBJ => self.object(l, depth, hint),
            _ => Err(Fail::new(&l.loc, "no type left to generate")),
        }
    }

    fn pick_type(&mut self, l: &Leaf, types: u8, depth: u32, hint: Hint) -> u8 {
        let mut t = types;
        if t == 0 {
            return 0;
        }
        if depth >= SOFT_DEPTH && t & !(T_ARR | T_OBJ) != 0 {
            t &= !(T_ARR | T_OBJ);
        }
        if t.count_ones() == 1 {
            return t;
        }
        if l.anything {
            const W: [(u8, u32); 7] =
                [(T_STR, 40), (T_INT, 20), (T_NUM, 8), (T_BOOL, 10), (T_NULL, 4), (T_OBJ, 12), (T_ARR, 6)];
            let total: u32 = W.iter().filter(|(b, _)| t & b != 0).map(|(_, w)| w).sum();
            if total > 0 {
                let mut r = self.rng.random_range(0..total);
                for (b, w) in W {
                    if t & b != 0 {
                        if r < w {
                            return b;
                        }
                        r -= w;
                    }
                }
            }
        }
        if t & T_NULL != 0 {
            if self.rng.random_bool(0.1) {
                return T_NULL;
            }
            t &= !T_NULL;
        }
        if t & T_STR != 0 && !matches!(hint, Hint::None) && fakes::numeric_range(hint, self.now).is_none() {
            return T_STR;
        }
        if t == T_INT | T_NUM {
            return if self.rng.random_bool(0.5) { T_NUM } else { T_INT };
        }
        let k = self.rng.random_range(0..t.count_ones());
        let mut seen = 0;
        for bit in 0..7 {
            let b = 1u8 << bit;
            if t & b != 0 {
                if seen == k {
                    return b;
                }
                seen += 1;
            }
        }
        t
    }

    fn string(&mut self, l: &Leaf, hint: Hint) -> Result<Value, Fail> {
        let s = &l.string;
        if let Some(p) = &s.pattern {
            if let Some(m) = &s.matcher
                && let Some(h) = fakes::hint_string(hint, self.rng, self.now)
                && m.is_match(&h)
                && (s.min..=s.max.unwrap_or(usize::MAX)).contains(&h.chars().count())
            {
                return Ok(Value::String(h));
            }
            // A pattern that describes a date or a time (and is not one that any text matches):
            // a real moment in the first shape it accepts.
            if let Some(m) = &s.matcher
                && !m.is_match("lorem ipsum")
                && let Some(shape) = fakes::date_like(self.now)
                    .iter()
                    .position(|d| m.is_match(d) && (s.min..=s.max.unwrap_or(usize::MAX)).contains(&d.chars().count()))
            {
                let t = self.now - chrono::Duration::seconds(self.rng.random_range(0..30 * 86_400))
                    + chrono::Duration::microseconds(self.rng.random_range(0..1_000_000));
                let d = fakes::date_like(t)[shape].clone();
                if m.is_match(&d) {
                    return Ok(Value::String(d));
                }
            }
            let idx = *p.as_ref().map_err(|e| Fail::new(&l.loc, e.clone()))?;
            let re = &self.plan.regexes[idx];
            for _ in 0..24 {
                if let Ok(out) = self.rng.sample::<Result<String, _>, _>(re) {
                    let n = out.chars().count();
                    if n >= s.min && s.max.is_none_or(|m| n <= m) {
                        return Ok(Value::String(out));
                    }
                }
            }
            return Err(Fail::new(&l.loc, "pattern did not produce a string within minLength/maxLength"));
        }
        if let Some(f) = s.format
            && let Some(v) = fakes::format_value(f, hint, self.rng, self.now)
        {
            return Ok(Value::String(v));
        }
        if s.max == Some(0) {
            return Ok(Value::String(String::new()));
        }
        if s.min > MAX_STRING {
            return Err(Fail::new(
                &l.loc,
                format!("minLength {}: strings longer than {MAX_STRING} characters are not generated", s.min),
            ));
        }
        let out = match fakes::hint_string(hint, self.rng, self.now) {
            Some(h) => fakes::fit_length(h, s.min, s.max, self.rng),
            None => {
                let lo = s.min.max(3);
                let target = self.rng.random_range(lo..=lo + 12);
                let target = s.max.map_or(target, |m| target.min(m));
                fakes::fit_length(fakes::words(self.rng, target), s.min, Some(target.max(s.min)), self.rng)
            }
        };
        Ok(Value::String(out))
    }

    fn integer(&mut self, l: &Leaf, hint: Hint) -> Result<Value, Fail> {
        let n = &l.number;
        let step = n.int_step;
        if step <= 0 {
            return Err(Fail::new(&l.loc, "no integer is a multiple of the multipleOf value"));
        }
        // The name's range when it fits the schema's bounds, else a modest default range.
        let hinted = fakes::numeric_range(hint, self.now).and_then(|(a, b)| {
            let a = n.int_lo.map_or(a.ceil() as i64, |lo| lo.max(a.ceil() as i64));
            let b = n.int_hi.map_or(b.floor() as i64, |hi| hi.min(b.floor() as i64));
            (ceil_div(a, step) <= b.div_euclid(step)).then_some((a, b))
        });
        let (lo, hi) = hinted.unwrap_or(match (n.int_lo, n.int_hi) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, a.saturating_add(1000)),
            (None, Some(b)) => (if b >= 0 { b.saturating_sub(1000).max(0) } else { b.saturating_sub(1000) }, b),
            (None, None) => (0, 1000),
        });
        let (klo, khi) = (ceil_div(lo, step), hi.div_euclid(step));
        if klo > khi {
            return Err(Fail::new(&l.loc, format!("no multiple of {step} between {lo} and {hi}")));
        }
        Ok(Value::from(self.rng.random_range(klo..=khi) * step))
    }

    fn number(&mut self, l: &Leaf, hint: Hint) -> Result<Value, Fail> {
        let n = &l.number;
        let need_fraction = l.fraction_only;
        let ok = |x: f64| {
            x.is_finite()
                && n.lo.is_none_or(|b| if n.lo_excl { x > b } else { x >= b })
                && n.hi.is_none_or(|b| if n.hi_excl { x < b } else { x <= b })
                && (!need_fraction || x.fract() != 0.0)
        };
        let hinted = fakes::numeric_range(hint, self.now).and_then(|(a, b)| {
            let (a, b) = (n.lo.map_or(a, |lo| lo.max(a)), n.hi.map_or(b, |hi| hi.min(b)));
            (a < b).then_some((a, b))
        });
        let (lo, hi) = hinted.unwrap_or(match (n.lo, n.hi) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, a + 1000.0),
            (None, Some(b)) => (if b > 0.0 { (b - 1000.0).max(0.0) } else { b - 1000.0 }, b),
            (None, None) => (0.0, 1000.0),
        });
        if let Some(m) = n.multiple_of {
            if let Some((mant, d)) = n.decimal_step {
                let scale = 10f64.powi(d);
                let step = mant as f64 / scale;
                let klo = (lo / step).ceil().max(-1e15);
                let khi = (hi / step).floor().min(1e15);
                if klo <= khi {
                    for _ in 0..8 {
                        let k = self.rng.random_range(klo as i64..=khi as i64);
                        let x = (k as f64 * mant as f64) / scale;
                        if ok(x) {
                            return Ok(Value::from(x));
                        }
                    }
                }
                return Err(Fail::new(&l.loc, format!("no multiple of {m} within the bounds")));
            }
            // Not a short decimal: zero is a multiple of everything.
            return if ok(0.0) {
                Ok(Value::from(0.0))
            } else {
                Err(Fail::new(&l.loc, format!("cannot produce multiples of {m}")))
            };
        }
        for _ in 0..8 {
            let u: f64 = self.rng.random();
            let x = lo * (1.0 - u) + hi * u;
            let r = (x * 100.0).round() / 100.0;
            if ok(r) {
                return Ok(Value::from(r));
            }
            if ok(x) {
                return Ok(Value::from(x));
            }
        }
        let mid = lo / 2.0 + hi / 2.0;
        if ok(mid) {
            return Ok(Value::from(mid));
        }
        Err(Fail::new(&l.loc, "the numeric bounds leave no room for a value"))
    }

    fn array(&mut self, l: &Leaf, depth: u32, hint: Hint) -> Result<Value, Fail> {
        let a = &l.array;
        let n_contains = if a.contains.is_some() { a.min_contains } else { 0 };
        let need = a.min.max(n_contains);
        if need > MAX_ITEMS {
            return Err(Fail::new(
                &l.loc,
                format!("minItems {need}: arrays longer than {MAX_ITEMS} items are not generated"),
            ));
        }
        let cap = a.max.unwrap_or(usize::MAX);
        let hi = need.saturating_add(if depth >= SOFT_DEPTH { 0 } else { 3 }).min(cap);
        let mut lo = need.min(hi);
        if lo == 0 && hi >= 1 && self.rng.random_bool(0.8) {
            lo = 1;
        }
        let len = self.rng.random_range(lo..=hi);
        let mut out: Vec<Value> = Vec::with_capacity(len);
        for i in 0..len {
            let is_contains = i >= len - n_contains.min(len);
            let node = match a.contains {
                Some(c) if is_contains => c,
                _ if i < a.prefix.len() => a.prefix[i],
                _ => a.rest,
            };
            let mut tries = if a.unique { 24 } else { 1 };
            loop {
                match self.node(node, depth + 1, hint) {
                    Ok(v) if a.unique && out.contains(&v) => {
                        tries -= 1;
                        if tries == 0 {
                            if out.len() >= need && n_contains == 0 {
                                return Ok(Value::Array(out));
                            }
                            return Err(Fail::new(&l.loc, format!("uniqueItems: could not find {len} distinct items")));
                        }
                    }
                    Ok(v) => {
                        out.push(v);
                        break;
                    }
                    Err(f) if !f.fatal && out.len() >= need && n_contains == 0 => return Ok(Value::Array(out)),
                    Err(f) => return Err(f),
                }
            }
        }
        Ok(Value::Array(out))
    }

    fn object(&mut self, l: &Leaf, depth: u32, hint: Hint) -> Result<Value, Fail> {
        let o = &l.object;
        if o.min > MAX_ITEMS {
            return Err(Fail::new(
                &l.loc,
                format!("minProperties {}: objects with more than {MAX_ITEMS} properties are not generated", o.min),
            ));
        }
        let soft = depth >= SOFT_DEPTH;
        let cap = o.max.unwrap_or(usize::MAX);
        // 0 = left out, 1 = optional pick, 2 = must be present.
        let mut inc: Vec<u8> = o.props.iter().map(|p| if p.required { 2 } else { 0 }).collect();
        let mut count = inc.iter().filter(|&&x| x == 2).count();
        if !soft {
            for (i, p) in o.props.iter().enumerate() {
                if !p.required && count < cap && self.rng.random_bool(OPTIONAL_P) {
                    inc[i] = 1;
                    count += 1;
                }
            }
        }
        let mut changed = !o.deps.is_empty();
        while changed {
            changed = false;
            for (i, ds) in &o.deps {
                if inc[*i] != 0 {
                    for &d in ds {
                        if inc[d] != 2 {
                            count += usize::from(inc[d] == 0);
                            inc[d] = 2;
                            changed = true;
                        }
                    }
                }
            }
        }
        for x in inc.iter_mut() {
            if count >= o.min {
                break;
            }
            if *x == 0 {
                *x = 2;
                count += 1;
            }
        }
        let mut m = Map::new();
        for (i, p) in o.props.iter().enumerate() {
            if inc[i] == 0 {
                continue;
            }
            match self.node(p.node, depth + 1, fakes::refine(p.hint, hint)) {
                Ok(v) => {
                    m.insert(p.name.clone(), v);
                }
                Err(f) if inc[i] == 2 || f.fatal => return Err(f),
                Err(_) => {}
            }
        }
        let mut extras = o.min.saturating_sub(m.len());
        if extras == 0 && o.props.is_empty() && !soft && (o.extra.is_some() || !o.pattern_names.is_empty()) {
            extras = self.rng.random_range(1..=3);
        }
        extras = extras.min(cap.saturating_sub(m.len()));
        for k in 0..extras {
            match self.extra(l, &m, k, depth) {
                Ok(Some((name, v))) => {
                    m.insert(name, v);
                }
                Ok(None) => break,
                Err(f) if m.len() < o.min || f.fatal => return Err(f),
                Err(_) => break,
            }
        }
        if m.len() < o.min {
            return Err(Fail::new(
                &l.loc,
                format!("minProperties {} cannot be reached: no more properties are allowed", o.min),
            ));
        }
        Ok(Value::Object(m))
    }

    /// A property outside `properties`: named by `patternProperties`/`propertyNames` or a word.
    fn extra(
        &mut self,
        l: &Leaf,
        m: &Map<String, Value>,
        k: usize,
        depth: u32,
    ) -> Result<Option<(String, Value)>, Fail> {
        let o = &l.object;
        for _ in 0..10 {
            let from_pattern = !o.pattern_names.is_empty() && (o.extra.is_none() || self.rng.random_bool(0.5));
            let (name, node) = if from_pattern {
                let (re, node) = o.pattern_names[self.rng.random_range(0..o.pattern_names.len())];
                match self.rng.sample::<Result<String, _>, _>(&self.plan.regexes[re]) {
                    Ok(s) => (s, node),
                    Err(_) => continue,
                }
            } else {
                let Some(node) = o.extra else { return Ok(None) };
                let name = match o.name_node {
                    Some(nn) => match self.node(nn, depth + 1, Hint::None)? {
                        Value::String(s) => s,
                        _ => continue,
                    },
                    None => {
                        let w = fakes::words(self.rng, 1);
                        if k == 0 { w } else { format!("{w}_{k}") }
                    }
                };
                (name, node)
            };
            if m.contains_key(&name) || o.props.iter().any(|p| p.name == name) {
                continue;
            }
            let hint = fakes::classify(&name);
            let v = self.node(node, depth + 1, hint)?;
            return Ok(Some((name, v)));
        }
        Ok(None)
    }
}
