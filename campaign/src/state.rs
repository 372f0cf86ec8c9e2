//! The campaign state machine `UNLOADED → LOADED → RUNNING ⇄ STOPPED → UNLOADED`
//! plus force-unload: the one place that says which change is legal.

use serde::{Deserialize, Serialize};

/// Where a campaign is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CampaignState {
    /// No calling list in use; the campaign can be edited.
    Unloaded,
    /// The calling list is built (or being built); nothing is dialled yet.
    Loaded,
    /// Dialers lease and dial its records.
    Running,
    /// Paused: leases run out, nothing new is handed out.
    Stopped,
}

impl CampaignState {
    /// Every state, in life order.
    pub const ALL: [CampaignState; 4] = [
        CampaignState::Unloaded,
        CampaignState::Loaded,
        CampaignState::Running,
        CampaignState::Stopped,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Unloaded => "UNLOADED",
            CampaignState::Loaded => "LOADED",
            CampaignState::Running => "RUNNING",
            CampaignState::Stopped => "STOPPED",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == raw)
    }

    /// Whether the campaign's settings may change (only while nothing is loaded).
    pub fn editable(self) -> bool {
        self == CampaignState::Unloaded
    }

    /// The state `transition` leads to, or why it is not allowed from here.
    pub fn apply(self, transition: Transition) -> Result<CampaignState, IllegalTransition> {
        use CampaignState::*;
        let next = match (self, transition) {
            (Unloaded, Transition::Load) => Loaded,
            (Loaded | Stopped, Transition::Start) => Running,
            (Running, Transition::Stop) => Stopped,
            (Loaded | Stopped, Transition::Unload) => Unloaded,
            (Loaded | Running | Stopped, Transition::ForceUnload) => Unloaded,
            (from, transition) => return Err(IllegalTransition { from, transition }),
        };
        Ok(next)
    }
}

/// A requested change of state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Transition {
    /// Build the calling list.
    Load,
    /// Start (or resume) dialling.
    Start,
    /// Pause dialling.
    Stop,
    /// Put a loaded or stopped campaign away.
    Unload,
    /// Unload from any loaded state at once, even while running.
    ForceUnload,
}

impl Transition {
    /// The verb, for audit actions and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Load => "load",
            Transition::Start => "start",
            Transition::Stop => "stop",
            Transition::Unload => "unload",
            Transition::ForceUnload => "force_unload",
        }
    }
}

impl CampaignState {
    /// The transitions allowed from this state, for messages and the UI's buttons.
    pub fn allowed(self) -> Vec<Transition> {
        [
            Transition::Load,
            Transition::Start,
            Transition::Stop,
            Transition::Unload,
            Transition::ForceUnload,
        ]
        .into_iter()
        .filter(|transition| self.apply(*transition).is_ok())
        .collect()
    }
}

/// A transition the state machine does not allow; becomes a `CONFLICT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {} a campaign that is {} (allowed: {})", .transition.as_str().replace('_', "-"), .from.as_str(), allowed_text(*.from))]
pub struct IllegalTransition {
    /// The state the campaign is in.
    pub from: CampaignState,
    /// What was asked.
    pub transition: Transition,
}

fn allowed_text(state: CampaignState) -> String {
    state
        .allowed()
        .iter()
        .map(|transition| transition.as_str().replace('_', "-"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::CampaignState::*;
    use super::Transition::*;
    use super::*;

    #[test]
    fn every_pair_is_decided_as_the_spec_draws_it() {
        let allowed = [
            (Unloaded, Load, Loaded),
            (Loaded, Start, Running),
            (Stopped, Start, Running),
            (Running, Stop, Stopped),
            (Loaded, Unload, Unloaded),
            (Stopped, Unload, Unloaded),
            (Loaded, ForceUnload, Unloaded),
            (Running, ForceUnload, Unloaded),
            (Stopped, ForceUnload, Unloaded),
        ];
        let transitions = [Load, Start, Stop, Unload, ForceUnload];
        for from in CampaignState::ALL {
            for transition in transitions {
                let expected = allowed
                    .iter()
                    .find(|(f, t, _)| *f == from && *t == transition)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    from.apply(transition).ok(),
                    expected,
                    "{from:?} {transition:?}"
                );
            }
        }
    }

    #[test]
    fn a_refusal_says_what_and_from_where() {
        let error = Running.apply(Unload).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot unload a campaign that is RUNNING (allowed: stop, force-unload)"
        );
        let error = Unloaded.apply(ForceUnload).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot force-unload a campaign that is UNLOADED (allowed: load)"
        );
    }

    #[test]
    fn names_round_trip() {
        for state in CampaignState::ALL {
            assert_eq!(CampaignState::parse(state.as_str()), Some(state));
        }
        assert!(Unloaded.editable() && !Running.editable());
    }
}
