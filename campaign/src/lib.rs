//! The Campaign Manager's rules, free of HTTP and storage: which state changes a
//! campaign allows ([`state`]), what a template may say ([`settings`]), what
//! happens to a record after each call result ([`treatments`]) and the codes of
//! the OCS calling-list layout dialers read ([`layout`]).

pub mod layout;
pub mod settings;
pub mod state;
pub mod treatments;

pub use settings::{
    AbandonCounting, ListMix, MAX_MESSAGES_PER_SECOND, Pacing, Schedule, SortField,
    TemplateSettings, TimeWindow,
};
pub use state::{CampaignState, IllegalTransition, Transition};
pub use treatments::{Next, RecordFacts, Treatment, TreatmentAction, Treatments};
