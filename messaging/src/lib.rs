//! The Dial Manager's rules, free of storage, HTTP and Nexus (issue 8
//! groundwork): what a message template says and how it renders
//! ([`template`]), how long an SMS is ([`sms`]), and what an inbound reply
//! asks for ([`keywords`]).

pub mod keywords;
pub mod sms;
pub mod template;

pub use keywords::{Inbound, classify};
pub use sms::{Encoding, SmsLength, measure};
pub use template::MessageText;
