//! What an inbound reply asks for: STOP and its synonyms opt the sender out,
//! HELP and INFO ask for the help text (SPEC §4).
//!
//! Opt-out words are STOP, UNSUBSCRIBE, CANCEL, QUIT, END, and the Canadian
//! ARRET (ARRÊT) and UNSUB. They are honoured from every sender, not only
//! Canadian ones, and when they are the first word of a longer reply ("Stop
//! texting me"): a missed opt-out costs a fine, an extra one only a contact.
//! Case, accents of ARRÊT and surrounding punctuation do not matter.

use serde::Serialize;

/// The opt-out words, upper-case.
const OPT_OUT: &[&str] = &[
    "STOP",
    "UNSUBSCRIBE",
    "CANCEL",
    "QUIT",
    "END",
    "ARRET",
    "UNSUB",
];

/// The help words, upper-case.
const HELP: &[&str] = &["HELP", "INFO"];

/// What an inbound message asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Inbound {
    /// Stop messaging this device (the keyword as normalised).
    OptOut(String),
    /// Send the help text.
    Help,
    /// Anything else: stored, not answered.
    Other,
}

/// The reply's first word, upper-cased, without punctuation and with `Ê` as `E`.
fn first_word(body: &str) -> String {
    body.split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .map(|c| match c {
            'ê' | 'Ê' | 'é' | 'É' => 'E',
            other => other.to_ascii_uppercase(),
        })
        .collect()
}

/// Classifies an inbound message body.
pub fn classify(body: &str) -> Inbound {
    let word = first_word(body);
    if OPT_OUT.contains(&word.as_str()) {
        Inbound::OptOut(word)
    } else if HELP.contains(&word.as_str()) {
        Inbound::Help
    } else {
        Inbound::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_opt_out_word_in_any_case_and_punctuation() {
        for body in [
            "STOP",
            "stop",
            " Stop. ",
            "UNSUBSCRIBE",
            "cancel!",
            "Quit",
            "end",
            "Arrêt",
            "ARRET",
            "unsub",
            "Stop texting me",
        ] {
            assert!(matches!(classify(body), Inbound::OptOut(_)), "{body:?}");
        }
        assert_eq!(classify("arrêt"), Inbound::OptOut("ARRET".into()));
    }

    #[test]
    fn help_and_everything_else() {
        assert_eq!(classify("help"), Inbound::Help);
        assert_eq!(classify("INFO?"), Inbound::Help);
        for body in [
            "",
            "Thanks!",
            "Please call me tomorrow",
            "stopping by later? no: 'stopping' is not STOP",
            "unstoppable",
        ] {
            assert_eq!(classify(body), Inbound::Other, "{body:?}");
        }
    }
}
