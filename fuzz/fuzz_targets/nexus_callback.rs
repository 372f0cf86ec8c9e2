//! The gateway's signed callback body (`POST /nexus/v1/events`) read by
//! `messaging::parse_events`, and inbound texts classified by
//! `messaging::classify`: no panic, the same answer twice, every accepted event
//! within the limits, and a keyword that classifies as itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use messaging::callback::{MAX_EVENT_ID_BYTES, MAX_EVENTS};
use messaging::{CallbackBodyError, EventKind, Inbound, classify};

fn check_classify(text: &str) {
    let class = classify(text);
    assert_eq!(class, classify(text), "classifying is deterministic");
    // Case does not matter (ASCII upper-casing keeps words and punctuation where they were).
    assert_eq!(class, classify(&text.to_ascii_uppercase()), "{text:?}");
    if let Inbound::OptOut(word) = &class {
        assert!(!word.is_empty());
        assert_eq!(
            classify(word),
            class,
            "the normalised keyword {word:?} is an opt-out itself"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let parsed = messaging::parse_events(data);
    assert_eq!(
        parsed,
        messaging::parse_events(data),
        "parsing is deterministic"
    );
    match &parsed {
        Ok(events) => {
            assert!(events.len() <= MAX_EVENTS);
            for event in events {
                assert!(
                    !event.id.trim().is_empty() && event.id.len() <= MAX_EVENT_ID_BYTES,
                    "{:?}",
                    event.id
                );
                assert_eq!(EventKind::parse(event.kind.as_str()), Some(event.kind));
                if let Some(text) = &event.text {
                    check_classify(text);
                }
            }
        }
        Err(CallbackBodyError::UnknownType { kind, .. }) => {
            assert_eq!(EventKind::parse(kind), None)
        }
        Err(_) => {}
    }
    if let Ok(text) = std::str::from_utf8(data) {
        check_classify(text);
    }
});
