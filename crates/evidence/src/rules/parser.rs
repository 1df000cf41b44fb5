//! Recursive-descent parser from tokens to the rule AST. Each `expect_*` names what it wanted,
//! so errors read `at 17: expected ')' or ',' but found 'and'`.

use std::fmt;

use super::RuleError;
use super::lexer::{CmpOp, Token, TokenKind, tokenize};
use crate::date::Period;

/// Which offences an aggregate looks at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    /// `any` includes unproven outcomes; the default (and `proven`) counts proven ones only.
    pub any_outcome: bool,
    /// `within 5y`: `A - 60 months < offence_date <= A`; `None` = all history up to A.
    pub within: Option<Period>,
    /// `type in (burglary, robbery)`; `None` = every type.
    pub types: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `count(...)`: number of matching offences.
    Count(Filter),
    /// `sum(seriousness, ...)`: total seriousness (unknown seriousness adds 0).
    SumSeriousness(Filter),
    /// `age`: whole years on A; unknown birth date fails every age comparison.
    Age,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    Sex,
    Area,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Compare {
        value: Value,
        op: CmpOp,
        number: i64,
    },
    /// `sex in (F, X)`, `area in (north, "west end")`.
    In {
        attribute: Attribute,
        values: Vec<String>,
    },
}

/// Parses rule text into an expression.
pub fn parse(source: &str) -> Result<Expr, RuleError> {
    let tokens = tokenize(source)?;
    let mut parser = Parser { source, tokens, at: 0 };
    let expr = parser.or_expr()?;
    parser.expect_end()?;
    Ok(expr)
}

struct Parser<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.at]
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.at].clone();
        if token.kind != TokenKind::End {
            self.at += 1;
        }
        token
    }

    fn error(&self, expected: &str) -> RuleError {
        let token = self.peek();
        RuleError::new(token.start, format!("expected {expected} but found {}", token.describe(self.source)))
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(&self.peek().kind, TokenKind::Word(w) if w == word)
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek_word(word);
        if found {
            self.advance();
        }
        found
    }

    fn expect(&mut self, kind: TokenKind, shown: &str) -> Result<(), RuleError> {
        if self.peek().kind == kind {
            self.advance();
            Ok(())
        } else {
            Err(self.error(shown))
        }
    }

    fn expect_end(&self) -> Result<(), RuleError> {
        if self.peek().kind == TokenKind::End { Ok(()) } else { Err(self.error("'and', 'or' or end of rule")) }
    }

    fn or_expr(&mut self) -> Result<Expr, RuleError> {
        let mut parts = vec![self.and_expr()?];
        while self.eat_word("or") {
            parts.push(self.and_expr()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::Or(parts) })
    }

    fn and_expr(&mut self) -> Result<Expr, RuleError> {
        let mut parts = vec![self.unary()?];
        while self.eat_word("and") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::And(parts) })
    }

    fn unary(&mut self) -> Result<Expr, RuleError> {
        if self.eat_word("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.peek().kind == TokenKind::LeftParen {
            self.advance();
            let inner = self.or_expr()?;
            self.expect(TokenKind::RightParen, "')', 'and' or 'or'")?;
            return Ok(inner);
        }
        self.condition()
    }

    fn condition(&mut self) -> Result<Expr, RuleError> {
        const START: &str = "a condition: count(...), sum(seriousness, ...), age, type in (...), \
                             sex in (...), area in (...), 'not' or '('";
        let TokenKind::Word(word) = self.peek().kind.clone() else {
            return Err(self.error(START));
        };
        let value = match word.as_str() {
            "count" => {
                self.advance();
                self.expect(TokenKind::LeftParen, "'('")?;
                Value::Count(self.filter_args(true)?)
            }
            "sum" => {
                self.advance();
                self.expect(TokenKind::LeftParen, "'('")?;
                if !self.eat_word("seriousness") {
                    return Err(self.error("'seriousness'"));
                }
                let filter = if self.peek().kind == TokenKind::Comma {
                    self.advance();
                    self.filter_args(true)?
                } else {
                    self.expect(TokenKind::RightParen, "')' or ','")?;
                    Filter::default()
                };
                Value::SumSeriousness(filter)
            }
            "age" => {
                self.advance();
                Value::Age
            }
            "type" => {
                // `type in (a, b) [within P]` is shorthand for `count(type in (a, b) [, within P]) >= 1`.
                self.advance();
                let types = self.value_list()?;
                let within = if self.eat_word("within") { Some(self.period()?) } else { None };
                let filter = Filter { any_outcome: false, within, types: Some(types) };
                return Ok(Expr::Compare { value: Value::Count(filter), op: CmpOp::Ge, number: 1 });
            }
            "sex" | "area" => {
                self.advance();
                let attribute = if word == "sex" { Attribute::Sex } else { Attribute::Area };
                let values = self.value_list()?;
                return Ok(Expr::In { attribute, values });
            }
            _ => return Err(self.error(START)),
        };
        let TokenKind::Op(op) = self.peek().kind else {
            return Err(self.error("a comparison operator (>, >=, <, <=, =, !=)"));
        };
        self.advance();
        let TokenKind::Integer(number) = self.peek().kind else {
            return Err(self.error("a whole number"));
        };
        self.advance();
        Ok(Expr::Compare { value, op, number })
    }

    /// After `count(` or `sum(seriousness,`: comma-separated qualifiers, then `)`.
    fn filter_args(&mut self, allow_empty: bool) -> Result<Filter, RuleError> {
        let mut filter = Filter::default();
        if allow_empty && self.peek().kind == TokenKind::RightParen {
            self.advance();
            return Ok(filter);
        }
        loop {
            if self.eat_word("proven") {
                filter.any_outcome = false;
            } else if self.eat_word("any") {
                filter.any_outcome = true;
            } else if self.eat_word("within") {
                filter.within = Some(self.period()?);
            } else if self.eat_word("type") {
                filter.types = Some(self.value_list()?);
            } else {
                return Err(self.error("'proven', 'any', 'within' or 'type'"));
            }
            match self.peek().kind {
                TokenKind::Comma => {
                    self.advance();
                }
                TokenKind::RightParen => {
                    self.advance();
                    return Ok(filter);
                }
                _ => return Err(self.error("')' or ','")),
            }
        }
    }

    fn period(&mut self) -> Result<Period, RuleError> {
        match self.peek().kind {
            TokenKind::Period(p) => {
                self.advance();
                Ok(p)
            }
            _ => Err(self.error("a period such as 12m, 5y or 30d")),
        }
    }

    /// `in (a, b, "c d")`
    fn value_list(&mut self) -> Result<Vec<String>, RuleError> {
        if !self.eat_word("in") {
            return Err(self.error("'in'"));
        }
        self.expect(TokenKind::LeftParen, "'('")?;
        let mut values = Vec::new();
        loop {
            match self.peek().kind.clone() {
                TokenKind::Word(w) | TokenKind::Quoted(w) => values.push(w),
                _ => return Err(self.error("a value")),
            }
            self.advance();
            match self.peek().kind {
                TokenKind::Comma => {
                    self.advance();
                }
                TokenKind::RightParen => {
                    self.advance();
                    return Ok(values);
                }
                _ => return Err(self.error("')' or ','")),
            }
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, values: &[String]) -> fmt::Result {
    f.write_str("(")?;
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        if v.chars().all(|c| c.is_alphanumeric() || "_-./".contains(c))
            && v.starts_with(|c: char| c.is_alphabetic() || c == '_')
        {
            f.write_str(v)?;
        } else {
            write!(f, "\"{v}\"")?;
        }
    }
    f.write_str(")")
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.any_outcome { "any" } else { "proven" })?;
        if let Some(types) = &self.types {
            f.write_str(", type in ")?;
            write_list(f, types)?;
        }
        if let Some(p) = self.within {
            write!(f, ", within {p}")?;
        }
        Ok(())
    }
}

/// Canonical text of a rule; parsing it gives the same AST back.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined = |f: &mut fmt::Formatter<'_>, parts: &[Expr], sep: &str| -> fmt::Result {
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                match p {
                    Expr::Or(_) | Expr::And(_) => write!(f, "({p})")?,
                    _ => write!(f, "{p}")?,
                }
            }
            Ok(())
        };
        match self {
            Expr::Or(parts) => joined(f, parts, " or "),
            Expr::And(parts) => joined(f, parts, " and "),
            Expr::Not(inner) => match **inner {
                Expr::Or(_) | Expr::And(_) => write!(f, "not ({inner})"),
                _ => write!(f, "not {inner}"),
            },
            Expr::Compare { value, op, number } => {
                match value {
                    Value::Count(filter) => write!(f, "count({filter})")?,
                    Value::SumSeriousness(filter) => write!(f, "sum(seriousness, {filter})")?,
                    Value::Age => f.write_str("age")?,
                }
                write!(f, " {} {number}", op.as_str())
            }
            Expr::In { attribute, values } => {
                f.write_str(match attribute {
                    Attribute::Sex => "sex in ",
                    Attribute::Area => "area in ",
                })?;
                write_list(f, values)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(source: &str) -> String {
        parse(source).unwrap_err().to_string()
    }

    #[test]
    fn parses_the_shipped_shapes() {
        for rule in [
            "count(proven, within 5y) > 10 and count(proven, within 12m) >= 1",
            "count(proven, within 5y) >= 20 and count(proven, within 12m) >= 4",
            "sum(seriousness, within 3y) >= 30 or type in (burglary, robbery)",
            "age >= 18 and age < 25 and not (sex in (F) or area in (\"west end\"))",
            "count(any, type in (theft), within 30d) != 0",
        ] {
            let expr = parse(rule).unwrap();
            let again = parse(&expr.to_string()).unwrap();
            assert_eq!(expr, again, "{rule} → {expr}");
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let expr = parse("age > 1 or age > 2 and age > 3").unwrap();
        let Expr::Or(parts) = expr else { panic!("expected or") };
        assert!(matches!(parts[1], Expr::And(_)));
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        assert_eq!(err("count(proven, within 5y and count(proven) > 1"), "at 24: expected ')' or ',' but found 'and'");
        assert_eq!(err("count(proven) >"), "at 15: expected a whole number but found end of rule");
        assert_eq!(
            err("count(proven) 10"),
            "at 14: expected a comparison operator (>, >=, <, <=, =, !=) but found '10'"
        );
        assert_eq!(err("(age > 1"), "at 8: expected ')', 'and' or 'or' but found end of rule");
        assert_eq!(err("age > 1 age"), "at 8: expected 'and', 'or' or end of rule but found 'age'");
        assert_eq!(err("count(within 5)"), "at 13: expected a period such as 12m, 5y or 30d but found '5'");
        assert!(err("frobnicate > 1").starts_with("at 0: expected a condition"));
    }
}
