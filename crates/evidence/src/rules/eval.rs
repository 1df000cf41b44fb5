//! Compiling a rule AST into an evaluator over the columnar dataset.
//!
//! All `count`/`sum` terms of a rule become "aggregates" that are computed in one pass over a
//! person's date-sorted offences; the boolean tree is then evaluated on those numbers. Type
//! filters become lookup tables indexed by interned offence type, so evaluation never touches
//! strings.

use super::lexer::CmpOp;
use super::parser::{Attribute, Expr, Filter, Value};
use crate::dataset::{Dataset, Sex};
use crate::date::{Day, NO_DAY, age_in_years};
use crate::intern::NONE;

#[derive(Debug, Clone)]
struct Aggregate {
    any_outcome: bool,
    within: Option<crate::date::Period>,
    /// Indexed by offence type id; `None` = all types.
    types: Option<Vec<bool>>,
    sum_seriousness: bool,
}

#[derive(Debug, Clone)]
enum Node {
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    Aggregate {
        slot: usize,
        op: CmpOp,
        number: i64,
    },
    Age {
        op: CmpOp,
        number: i64,
    },
    Sex([bool; 4]),
    /// Indexed by area id; unknown area never matches.
    Area(Vec<bool>),
}

/// A rule compiled against one dataset's vocabularies.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    aggregates: Vec<Aggregate>,
    root: Node,
}

fn lookup_table(values: &[String], arena: &crate::intern::StringArena) -> Vec<bool> {
    (0..arena.len() as u32).map(|id| values.iter().any(|v| v == arena.get(id))).collect()
}

impl CompiledRule {
    pub fn compile(expr: &Expr, data: &Dataset) -> CompiledRule {
        let mut aggregates = Vec::new();
        let root = compile_node(expr, data, &mut aggregates);
        CompiledRule { aggregates, root }
    }

    /// Members as of day `as_of`, as person indices in ascending (= code-point id) order.
    pub fn members(&self, data: &Dataset, as_of: Day) -> Vec<u32> {
        let mut evaluator = self.evaluator(data, as_of);
        (0..data.person_count() as u32).filter(|&p| evaluator.is_member(p)).collect()
    }

    /// One flag per person: member as of `as_of`.
    pub fn member_flags(&self, data: &Dataset, as_of: Day) -> Vec<bool> {
        let mut evaluator = self.evaluator(data, as_of);
        (0..data.person_count() as u32).map(|p| evaluator.is_member(p)).collect()
    }

    pub fn evaluator<'a>(&'a self, data: &'a Dataset, as_of: Day) -> Evaluator<'a> {
        Evaluator {
            rule: self,
            data,
            as_of,
            lower_bounds: self.aggregates.iter().map(|a| a.within.map_or(i32::MIN, |p| p.before(as_of))).collect(),
            values: vec![0; self.aggregates.len()],
        }
    }
}

fn compile_node(expr: &Expr, data: &Dataset, aggregates: &mut Vec<Aggregate>) -> Node {
    match expr {
        Expr::Or(parts) => Node::Or(parts.iter().map(|p| compile_node(p, data, aggregates)).collect()),
        Expr::And(parts) => Node::And(parts.iter().map(|p| compile_node(p, data, aggregates)).collect()),
        Expr::Not(inner) => Node::Not(Box::new(compile_node(inner, data, aggregates))),
        Expr::Compare { value: Value::Age, op, number } => Node::Age { op: *op, number: *number },
        Expr::Compare { value, op, number } => {
            let (filter, sum_seriousness): (&Filter, bool) = match value {
                Value::Count(f) => (f, false),
                Value::SumSeriousness(f) => (f, true),
                Value::Age => unreachable!("handled above"),
            };
            aggregates.push(Aggregate {
                any_outcome: filter.any_outcome,
                within: filter.within,
                types: filter.types.as_ref().map(|t| lookup_table(t, &data.offence_types)),
                sum_seriousness,
            });
            Node::Aggregate { slot: aggregates.len() - 1, op: *op, number: *number }
        }
        Expr::In { attribute: Attribute::Sex, values } => {
            let mut set = [false; 4];
            for (i, sex) in [Sex::Unknown, Sex::F, Sex::M, Sex::X].into_iter().enumerate() {
                set[i] = sex != Sex::Unknown && values.iter().any(|v| v == sex.as_str());
            }
            Node::Sex(set)
        }
        Expr::In { attribute: Attribute::Area, values } => Node::Area(lookup_table(values, &data.areas)),
    }
}

/// Evaluates one compiled rule as of one day, person by person (reusing its buffers).
pub struct Evaluator<'a> {
    rule: &'a CompiledRule,
    data: &'a Dataset,
    as_of: Day,
    lower_bounds: Vec<Day>,
    values: Vec<i64>,
}

impl Evaluator<'_> {
    /// The value of every aggregate for person `p`.
    fn compute(&mut self, p: u32) {
        let o = &self.data.offences;
        self.values.iter_mut().for_each(|v| *v = 0);
        for i in self.data.offences_of(p) {
            let day = o.offence_date[i];
            if day > self.as_of {
                break; // offences are sorted by date
            }
            let proven = o.outcome[i].is_proven();
            for (slot, aggregate) in self.rule.aggregates.iter().enumerate() {
                if day <= self.lower_bounds[slot] || !(proven || aggregate.any_outcome) {
                    continue;
                }
                if let Some(types) = &aggregate.types {
                    let t = o.offence_type[i];
                    if t == NONE || !types[t as usize] {
                        continue;
                    }
                }
                self.values[slot] += if aggregate.sum_seriousness { i64::from(o.seriousness[i]) } else { 1 };
            }
        }
    }

    /// The rule's counts for person `p` (one per count or seriousness sum, in the order the
    /// rule names them): why the rule holds or not.
    pub fn counts(&mut self, p: u32) -> Vec<i64> {
        self.compute(p);
        self.values.clone()
    }

    pub fn is_member(&mut self, p: u32) -> bool {
        self.compute(p);
        self.node(&self.rule.root, p)
    }

    fn node(&self, node: &Node, p: u32) -> bool {
        match node {
            Node::Or(parts) => parts.iter().any(|n| self.node(n, p)),
            Node::And(parts) => parts.iter().all(|n| self.node(n, p)),
            Node::Not(inner) => !self.node(inner, p),
            Node::Aggregate { slot, op, number } => op.holds(self.values[*slot], *number),
            Node::Age { op, number } => {
                let birth = self.data.persons.birth_date[p as usize];
                birth != NO_DAY && op.holds(i64::from(age_in_years(birth, self.as_of)), *number)
            }
            Node::Sex(set) => set[self.data.persons.sex[p as usize] as usize],
            Node::Area(set) => {
                let area = self.data.persons.area[p as usize];
                area != NONE && set[area as usize]
            }
        }
    }
}
