//! SQL `LIKE` patterns (`%` any run, `_` one character, `\` escapes the next), matched
//! without regular expressions or allocation per record.

/// One step of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// This exact character.
    Literal(char),
    /// Any one character (`_`).
    One,
    /// Any run of characters, possibly none (`%`).
    Any,
}

/// A parsed pattern; matching is over already case-folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LikePattern {
    tokens: Vec<Token>,
}

impl LikePattern {
    /// Parses a (case-folded) pattern; a trailing lone `\` is a literal backslash.
    pub(super) fn new(pattern: &str) -> Self {
        let mut tokens = Vec::new();
        let mut characters = pattern.chars();
        while let Some(character) = characters.next() {
            let token = match character {
                '%' => Token::Any,
                '_' => Token::One,
                '\\' => Token::Literal(characters.next().unwrap_or('\\')),
                other => Token::Literal(other),
            };
            // `%%` means the same as `%`; merging keeps matching linear in the common case.
            if token == Token::Any && tokens.last() == Some(&Token::Any) {
                continue;
            }
            tokens.push(token);
        }
        Self { tokens }
    }

    /// Whether the whole text matches (greedy with one backtrack point, the classic
    /// wildcard algorithm: O(text × pattern) at worst, linear usually).
    pub(super) fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let (mut text_at, mut token_at) = (0, 0);
        let mut backtrack: Option<(usize, usize)> = None;
        while text_at < text.len() {
            match self.tokens.get(token_at) {
                Some(Token::Any) => {
                    backtrack = Some((token_at, text_at));
                    token_at += 1;
                    continue;
                }
                Some(Token::One) => {
                    text_at += 1;
                    token_at += 1;
                    continue;
                }
                Some(Token::Literal(wanted)) if *wanted == text[text_at] => {
                    text_at += 1;
                    token_at += 1;
                    continue;
                }
                _ => {}
            }
            let Some((any_at, resumed_at)) = backtrack else {
                return false;
            };
            // Let the last `%` swallow one more character and retry from there.
            token_at = any_at + 1;
            text_at = resumed_at + 1;
            backtrack = Some((any_at, text_at));
        }
        self.tokens[token_at..]
            .iter()
            .all(|token| *token == Token::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::LikePattern;

    #[test]
    fn like_patterns_match_as_in_sql() {
        let cases = [
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("a%", "abc", true),
            ("a%", "a", true),
            ("%c", "abc", true),
            ("%b%", "abc", true),
            ("%x%", "abc", false),
            ("a_c", "abc", true),
            ("a_c", "ac", false),
            ("___", "abc", true),
            ("__", "abc", false),
            ("%", "", true),
            ("", "", true),
            ("_", "", false),
            ("a%b%c", "axxbyyc", true),
            ("a%b%c", "axxbyy", false),
            ("%aab", "aaaab", true),
            ("50\\%", "50%", true),
            ("50\\%", "500", false),
            ("a\\_b", "a_b", true),
            ("a\\_b", "axb", false),
            ("é%", "éte", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                LikePattern::new(pattern).matches(text),
                expected,
                "{pattern:?} LIKE {text:?}"
            );
        }
    }
}
