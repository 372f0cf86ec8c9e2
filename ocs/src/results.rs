//! OCS call results (the `call_result` enumeration of the Genesys calling
//! list, SPEC §2) and how each counts for the attempt rules.

use compliance::CallResult;

/// An OCS call result code (e.g. 33 = Answer).
pub type CallResultCode = u16;

/// Every OCS code with its name and the result attempt rules count it as.
/// Codes not listed (there are none below 54) would be refused as unknown.
const CODES: &[(CallResultCode, &str, CallResult)] = &[
    (0, "Ok", CallResult::Other),
    (1, "Transferred", CallResult::Answer),
    (2, "Conferenced", CallResult::Answer),
    (3, "GeneralError", CallResult::SystemError),
    (4, "SystemError", CallResult::SystemError),
    (5, "RemoteRelease", CallResult::Other),
    (6, "Busy", CallResult::Busy),
    (7, "NoAnswer", CallResult::NoAnswer),
    (8, "SitDetected", CallResult::Other),
    (9, "AnsweringMachineDetected", CallResult::AnsweringMachine),
    (10, "AllTrunksBusy", CallResult::SystemError),
    (11, "SitInvalidNum", CallResult::Other),
    (12, "SitVacant", CallResult::Other),
    (13, "SitOperIntercept", CallResult::Other),
    (14, "SitUnknown", CallResult::Other),
    (15, "SitNoCircuit", CallResult::Other),
    (16, "SitReorder", CallResult::Other),
    (17, "FaxDetected", CallResult::Fax),
    (18, "QueueFull", CallResult::SystemError),
    (19, "Cleared", CallResult::Other),
    (20, "Overflowed", CallResult::Other),
    (21, "Abandoned", CallResult::Abandoned),
    (22, "Redirected", CallResult::Other),
    (23, "Forwarded", CallResult::Other),
    (24, "Consult", CallResult::Answer),
    (25, "PickedUp", CallResult::Answer),
    (26, "Dropped", CallResult::Abandoned),
    (27, "DroppedNoAnswer", CallResult::NoAnswer),
    (28, "Unknown", CallResult::Other),
    (29, "Covered", CallResult::Other),
    (30, "ConverseOn", CallResult::Answer),
    (31, "Bridged", CallResult::Answer),
    (32, "Silence", CallResult::Other),
    (33, "Answer", CallResult::Answer),
    (34, "NuTone", CallResult::SystemError),
    (35, "NoDialTone", CallResult::SystemError),
    (36, "NoProgress", CallResult::SystemError),
    (37, "NoRingBack", CallResult::SystemError),
    (38, "NoEstablished", CallResult::SystemError),
    (39, "PagerDetected", CallResult::Other),
    (40, "WrongParty", CallResult::WrongParty),
    (41, "DialError", CallResult::SystemError),
    (42, "CallDropError", CallResult::SystemError),
    (43, "SwitchError", CallResult::SystemError),
    (44, "NoPortAvailable", CallResult::SystemError),
    (45, "TransferError", CallResult::SystemError),
    (46, "Stale", CallResult::Other),
    (47, "AgentCallbackError", CallResult::Other),
    (48, "GroupCallbackError", CallResult::Other),
    (49, "Deafened", CallResult::Other),
    (50, "Held", CallResult::Other),
    (51, "DoNotCall", CallResult::DoNotCall),
    (52, "CancelRecord", CallResult::Other),
    (53, "WrongNumber", CallResult::WrongNumber),
];

/// Letters and digits only, lower-cased: "Answering Machine Detected",
/// "ANSWERING_MACHINE_DETECTED" and "answeringMachineDetected" compare equal.
fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Reads `GSW_CALL_RESULT`: an OCS code ("33"), an OCS name ("Answer",
/// "Answering Machine Detected"), or one of the rule set's result names
/// ("RIGHT_PARTY_CONTACT"). Returns the result and the OCS code when known;
/// `None` for anything else.
pub fn parse_call_result(raw: &str) -> Option<(CallResult, Option<CallResultCode>)> {
    let raw = raw.trim();
    if let Ok(code) = raw.parse::<CallResultCode>() {
        return CODES
            .iter()
            .find(|(known, _, _)| *known == code)
            .map(|(code, _, result)| (*result, Some(*code)));
    }
    let wanted = squash(raw);
    if wanted.is_empty() {
        return None;
    }
    if let Some((code, _, result)) = CODES.iter().find(|(_, name, _)| squash(name) == wanted) {
        return Some((*result, Some(*code)));
    }
    CallResult::ENDED
        .iter()
        .find(|result| squash(result.name()) == wanted)
        .map(|result| (*result, None))
}
