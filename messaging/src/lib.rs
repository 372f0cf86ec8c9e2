//! The Dial Manager's rules, free of storage, HTTP and calls to Nexus (issue 8
//! groundwork): what a message template says and how it renders
//! ([`template`]), how long an SMS is ([`sms`]), what an inbound reply
//! asks for ([`keywords`]), and what the gateway's callback body says ([`callback`]).

pub mod callback;
pub mod keywords;
pub mod sms;
pub mod template;

pub use callback::{CallbackBodyError, Event, EventKind, parse_events};
pub use keywords::{Inbound, classify};
pub use sms::{Encoding, SmsLength, measure};
pub use template::{MessageText, known_fields};
