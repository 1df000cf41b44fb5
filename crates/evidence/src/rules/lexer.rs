//! Tokens of the rule language. Every token keeps its byte span so that parse errors can
//! point at the exact place in the rule text.

use super::RuleError;
use crate::date::Period;

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// A bare word: keywords (`count`, `and`, ...) and values such as `burglary`.
    Word(String),
    /// A double-quoted string, for values with spaces: `"criminal damage"`.
    Quoted(String),
    Integer(i64),
    Period(Period),
    LeftParen,
    RightParen,
    Comma,
    Op(CmpOp),
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
        }
    }

    #[inline]
    pub fn holds(self, left: i64, right: i64) -> bool {
        match self {
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte offset of the token's first character (0-based).
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// How the token is shown in "but found ..." messages.
    pub fn describe(&self, source: &str) -> String {
        match self.kind {
            TokenKind::End => "end of rule".to_owned(),
            _ => format!("'{}'", &source[self.start..self.end]),
        }
    }
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '/'
}

/// Splits rule text into tokens, ending with `End`.
pub fn tokenize(source: &str) -> Result<Vec<Token>, RuleError> {
    let mut tokens = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let single = |kind| Token { kind, start, end: start + 1 };
        let token = match c {
            '(' => {
                chars.next();
                single(TokenKind::LeftParen)
            }
            ')' => {
                chars.next();
                single(TokenKind::RightParen)
            }
            ',' => {
                chars.next();
                single(TokenKind::Comma)
            }
            '>' | '<' | '=' | '!' => {
                chars.next();
                let followed_by_eq = chars.next_if(|&(_, n)| n == '=').is_some();
                let op = match (c, followed_by_eq) {
                    ('>', false) => CmpOp::Gt,
                    ('>', true) => CmpOp::Ge,
                    ('<', false) => CmpOp::Lt,
                    ('<', true) => CmpOp::Le,
                    ('=', _) => CmpOp::Eq,
                    ('!', true) => CmpOp::Ne,
                    _ => {
                        return Err(RuleError::new(start, "expected '!=' but found '!'"));
                    }
                };
                Token { kind: TokenKind::Op(op), start, end: start + if followed_by_eq { 2 } else { 1 } }
            }
            '"' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some((end, '"')) => {
                            break Token { kind: TokenKind::Quoted(text), start, end: end + 1 };
                        }
                        Some((_, ch)) => text.push(ch),
                        None => {
                            return Err(RuleError::new(
                                source.len(),
                                "expected '\"' to close the string but found end of rule",
                            ));
                        }
                    }
                }
            }
            '0'..='9' => {
                let mut end = start;
                while let Some((i, _)) = chars.next_if(|&(_, d)| d.is_ascii_digit()) {
                    end = i + 1;
                }
                let digits = &source[start..end];
                let unit = chars.next_if(|&(_, u)| matches!(u, 'y' | 'm' | 'd'));
                if let Some(&(i, ch)) = chars.peek()
                    && is_word_char(ch)
                    && !matches!(ch, '-' | '/')
                {
                    return Err(RuleError::new(
                        i,
                        format!("expected a number or a period such as 12m, 5y or 30d but found '{ch}'"),
                    ));
                }
                match unit {
                    Some((i, _)) => {
                        let text = &source[start..=i];
                        let period = Period::parse(text)
                            .ok_or_else(|| RuleError::new(start, format!("period '{text}' is too long")))?;
                        Token { kind: TokenKind::Period(period), start, end: i + 1 }
                    }
                    None => Token {
                        kind: TokenKind::Integer(
                            digits
                                .parse()
                                .map_err(|_| RuleError::new(start, format!("number '{digits}' is too large")))?,
                        ),
                        start,
                        end,
                    },
                }
            }
            c if is_word_start(c) => {
                let mut end = start;
                while let Some((i, ch)) = chars.next_if(|&(_, ch)| is_word_char(ch)) {
                    end = i + ch.len_utf8();
                }
                Token { kind: TokenKind::Word(source[start..end].to_owned()), start, end }
            }
            other => {
                return Err(RuleError::new(start, format!("unexpected character '{other}'")));
            }
        };
        tokens.push(token);
    }
    tokens.push(Token { kind: TokenKind::End, start: source.len(), end: source.len() });
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<TokenKind> {
        tokenize(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn lexes_counts_periods_and_operators() {
        assert_eq!(
            kinds("count(proven, within 5y) >= 10"),
            vec![
                TokenKind::Word("count".into()),
                TokenKind::LeftParen,
                TokenKind::Word("proven".into()),
                TokenKind::Comma,
                TokenKind::Word("within".into()),
                TokenKind::Period(Period::Months(60)),
                TokenKind::RightParen,
                TokenKind::Op(CmpOp::Ge),
                TokenKind::Integer(10),
                TokenKind::End,
            ]
        );
        assert_eq!(kinds("a != 1")[1], TokenKind::Op(CmpOp::Ne));
        assert_eq!(kinds("\"criminal damage\"")[0], TokenKind::Quoted("criminal damage".into()));
    }

    #[test]
    fn reports_positions_of_bad_characters() {
        let err = tokenize("age >= 18 & age < 25").unwrap_err();
        assert_eq!(err.position, 10);
        let err = tokenize("count(within 5w)").unwrap_err();
        assert_eq!(err.position, 14);
    }
}
