//! The enums of the campaign operations (issue 6), declared once so a value
//! read by one operation (a template's treatments, a campaign's state) can be
//! sent back by another and the state modules can reuse them; the tests check
//! them against the schema.

use serde::{Deserialize, Serialize};

use super::compliance_types::schema_enum;

schema_enum! {
    /// Where a campaign is in its life (`CampaignState`).
    CampaignState {
        /// No calling list in use; editable.
        Unloaded = "UNLOADED", "Unloaded";
        /// The calling list is built or being built.
        Loaded = "LOADED", "Loaded";
        /// Dialers lease and dial its records.
        Running = "RUNNING", "Running";
        /// Paused.
        Stopped = "STOPPED", "Stopped";
    }
}

schema_enum! {
    /// A state change a user asks for (`CampaignTransition`).
    CampaignTransition {
        /// Build the calling list.
        Load = "LOAD", "Load";
        /// Start or resume dialling.
        Start = "START", "Start";
        /// Pause dialling.
        Stop = "STOP", "Stop";
        /// Put a loaded or stopped campaign away.
        Unload = "UNLOAD", "Unload";
        /// Unload at once, even while running.
        ForceUnload = "FORCE_UNLOAD", "Force unload";
    }
}

schema_enum! {
    /// Where building the calling list stands (`LoadStatus`).
    LoadStatus {
        /// Never loaded, or unloaded.
        NotLoaded = "NOT_LOADED", "Not loaded";
        /// Being built.
        Loading = "LOADING", "Loading";
        /// Built.
        Ready = "READY", "Ready";
        /// The build failed.
        Failed = "FAILED", "Failed";
    }
}

schema_enum! {
    /// How several lists share a campaign (`ListMix`).
    ListMix {
        /// Interleaved in proportion to their weights.
        Weighted = "WEIGHTED", "Weighted";
        /// The first list, then the second, …
        Ordered = "ORDERED", "Ordered";
    }
}

schema_enum! {
    /// Which calls the abandon rate divides by (`AbandonCounting`).
    AbandonCounting {
        /// Calls answered by a person.
        AnsweredCalls = "ANSWERED_CALLS", "Answered calls";
        /// Every call placed.
        AllCalls = "ALL_CALLS", "All calls";
    }
}

schema_enum! {
    /// What happens after a call result (`TreatmentKind`).
    TreatmentKind {
        /// Dial the same device again after an interval.
        Retry = "RETRY", "Retry";
        /// Go on with the contact's next device now.
        NextInChain = "NEXT_IN_CHAIN", "Next in chain";
        /// Dial again at a fixed instant.
        RetryAt = "RETRY_AT", "Retry at";
        /// Done with the contact.
        Final = "FINAL", "Final";
    }
}

schema_enum! {
    /// The outcome of one attempt (`CallResult`), as treatments name it.
    CallResult {
        /// Answered, party not identified.
        Answer = "ANSWER", "Answer";
        /// A conversation with the right party.
        RightPartyContact = "RIGHT_PARTY_CONTACT", "Right party contact";
        /// Answered by someone else.
        WrongParty = "WRONG_PARTY", "Wrong party";
        /// Answering machine or voice mail.
        AnsweringMachine = "ANSWERING_MACHINE", "Answering machine";
        /// Busy.
        Busy = "BUSY", "Busy";
        /// No answer.
        NoAnswer = "NO_ANSWER", "No answer";
        /// Answered, dropped for want of an agent.
        Abandoned = "ABANDONED", "Abandoned";
        /// Asked not to be called.
        DoNotCall = "DO_NOT_CALL", "Do not call";
        /// Not the contact's number.
        WrongNumber = "WRONG_NUMBER", "Wrong number";
        /// Fax or modem.
        Fax = "FAX", "Fax";
        /// Network or dialer failure.
        SystemError = "SYSTEM_ERROR", "System error";
        /// A message was sent.
        Sent = "SENT", "Sent";
        /// Anything else.
        Other = "OTHER", "Other";
        /// Dialling, no result yet.
        InProgress = "IN_PROGRESS", "In progress";
    }
}

schema_enum! {
    /// A day of the week (`Weekday`), for a template's schedule.
    Weekday {
        /// Monday.
        Mon = "MON", "Mon";
        /// Tuesday.
        Tue = "TUE", "Tue";
        /// Wednesday.
        Wed = "WED", "Wed";
        /// Thursday.
        Thu = "THU", "Thu";
        /// Friday.
        Fri = "FRI", "Fri";
        /// Saturday.
        Sat = "SAT", "Sat";
        /// Sunday.
        Sun = "SUN", "Sun";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::compliance_types::tests::schema_enum_values;

    fn wire_names(names: impl Iterator<Item = &'static str>) -> Vec<String> {
        let mut names: Vec<String> = names.map(str::to_owned).collect();
        names.sort();
        names
    }

    #[test]
    fn the_enums_match_the_schema() {
        let table = [
            (
                "CampaignState",
                wire_names(CampaignState::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "CampaignTransition",
                wire_names(CampaignTransition::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "LoadStatus",
                wire_names(LoadStatus::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "ListMix",
                wire_names(ListMix::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "AbandonCounting",
                wire_names(AbandonCounting::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "TreatmentKind",
                wire_names(TreatmentKind::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "CallResult",
                wire_names(CallResult::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "Weekday",
                wire_names(Weekday::ALL.iter().map(|v| v.wire_name())),
            ),
        ];
        for (name, ours) in table {
            assert_eq!(ours, schema_enum_values(name), "{name}");
        }
    }
}
