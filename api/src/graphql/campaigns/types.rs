//! GraphQL shapes of templates, campaigns, their statistics, dialability and
//! calling-list records (SPEC §2, §4), mapped from `campaign` and `workers::campaigns`.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use campaign::{Pacing as DomainPacing, Treatment as DomainTreatment, TreatmentAction};
use chrono::{DateTime, NaiveTime, TimeZone, Utc, Weekday as ChronoWeekday};
use workers::campaigns::{
    self, Campaign as DomainCampaign, dialability, stats, templates::Template,
};

use crate::graphql::compliance::DialMode;
use crate::graphql::error::{ApiError, GraphqlResultExt};
use crate::graphql::imports::DeviceKind;
use crate::graphql::lists::ContactList;
use crate::graphql::relay::{CountedConnection, connection, decode_cursor, wants_total};
use crate::graphql::{principal, services};

/// Where a campaign is in its life: `UNLOADED → LOADED → RUNNING ⇄ STOPPED → UNLOADED`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "campaign::CampaignState")]
pub enum CampaignState {
    /// No calling list in use; editable.
    Unloaded,
    /// The calling list is built (or being built); nothing is dialled.
    Loaded,
    /// Dialers lease and dial its records.
    Running,
    /// Paused.
    Stopped,
}

/// A requested state change.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "campaign::Transition")]
pub enum CampaignTransition {
    /// Build the calling list.
    Load,
    /// Start or resume dialling.
    Start,
    /// Pause dialling.
    Stop,
    /// Put a loaded or stopped campaign away.
    Unload,
    /// Unload at once, even while running.
    ForceUnload,
}

/// How several lists share a campaign.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "campaign::ListMix")]
pub enum ListMix {
    /// Interleaved in proportion to their weights.
    Weighted,
    /// The first list, then the second, …
    Ordered,
}

/// Which calls the abandon rate divides by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "campaign::AbandonCounting")]
pub enum AbandonCounting {
    /// Calls answered by a person (the FTC's measure).
    AnsweredCalls,
    /// Every call placed.
    AllCalls,
}

/// A call result a treatment names (the compliance rules' names).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "compliance::CallResult")]
pub enum CallResult {
    /// Answered, party not identified.
    Answer,
    /// A conversation with the right party.
    RightPartyContact,
    /// Answered by someone else.
    WrongParty,
    /// Answering machine or voice mail.
    AnsweringMachine,
    /// Busy.
    Busy,
    /// No answer.
    NoAnswer,
    /// Answered, dropped for want of an agent.
    Abandoned,
    /// Asked not to be called.
    DoNotCall,
    /// Not the contact's number.
    WrongNumber,
    /// Fax or modem.
    Fax,
    /// Network or dialer failure.
    SystemError,
    /// A message was sent.
    Sent,
    /// Anything else.
    Other,
    /// Dialling, no result yet.
    InProgress,
}

/// What a treatment does next.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TreatmentKind {
    /// Dial the same device again after an interval growing by an increment, up to a count.
    Retry,
    /// Go on with the contact's next device now.
    NextInChain,
    /// Dial again at a fixed instant.
    RetryAt,
    /// Done with the contact.
    Final,
}

/// A day of the week.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl From<ChronoWeekday> for Weekday {
    fn from(day: ChronoWeekday) -> Self {
        match day {
            ChronoWeekday::Mon => Weekday::Mon,
            ChronoWeekday::Tue => Weekday::Tue,
            ChronoWeekday::Wed => Weekday::Wed,
            ChronoWeekday::Thu => Weekday::Thu,
            ChronoWeekday::Fri => Weekday::Fri,
            ChronoWeekday::Sat => Weekday::Sat,
            ChronoWeekday::Sun => Weekday::Sun,
        }
    }
}

impl From<Weekday> for ChronoWeekday {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Mon => ChronoWeekday::Mon,
            Weekday::Tue => ChronoWeekday::Tue,
            Weekday::Wed => ChronoWeekday::Wed,
            Weekday::Thu => ChronoWeekday::Thu,
            Weekday::Fri => ChronoWeekday::Fri,
            Weekday::Sat => ChronoWeekday::Sat,
            Weekday::Sun => ChronoWeekday::Sun,
        }
    }
}

fn hhmm(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// Reads `HH:MM`.
pub fn parse_hhmm(field: &str, raw: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| ApiError::bad_input(field, format!("{raw:?} is not a time as HH:MM")))
}

/// Pacing and the abandon-rate target.
#[derive(SimpleObject, InputObject, Clone, Debug)]
#[graphql(input_name = "PacingInput")]
pub struct Pacing {
    /// Lines per available agent (1 to 10).
    pub lines_per_agent: f64,
    /// The abandon rate not to exceed, as a fraction (0.03 = 3 %).
    pub target_abandon_rate: f64,
    /// A call not connected to an agent within this many seconds of the greeting is abandoned.
    pub abandon_threshold_seconds: i32,
    /// Which calls the rate divides by.
    pub abandon_counting: AbandonCounting,
    /// The period the rate is measured over, in minutes.
    pub abandon_window_minutes: i32,
}

impl From<&DomainPacing> for Pacing {
    fn from(pacing: &DomainPacing) -> Self {
        Self {
            lines_per_agent: pacing.lines_per_agent,
            target_abandon_rate: pacing.target_abandon_rate,
            abandon_threshold_seconds: pacing.abandon_threshold_seconds as i32,
            abandon_counting: pacing.abandon_counting.into(),
            abandon_window_minutes: pacing.abandon_window_minutes as i32,
        }
    }
}

impl Pacing {
    /// The domain value (negative numbers become 0 and are then refused by its checks).
    pub fn into_domain(self) -> DomainPacing {
        DomainPacing {
            lines_per_agent: self.lines_per_agent,
            target_abandon_rate: self.target_abandon_rate,
            abandon_threshold_seconds: self.abandon_threshold_seconds.max(0) as u32,
            abandon_counting: self.abandon_counting.into(),
            abandon_window_minutes: self.abandon_window_minutes.max(0) as u32,
        }
    }
}

/// When the campaign may hand out records.
#[derive(SimpleObject, InputObject, Clone, Debug)]
#[graphql(input_name = "CampaignScheduleInput")]
pub struct CampaignSchedule {
    /// IANA zone the hours are read in.
    pub time_zone: String,
    /// Days it runs (empty: every day).
    pub days: Vec<Weekday>,
    /// Daily start, HH:MM.
    pub from: String,
    /// Daily end, HH:MM (00:00: midnight).
    pub till: String,
}

/// A narrower daily window in each device's own zone (never wider than the compliance window).
#[derive(SimpleObject, InputObject, Clone, Debug)]
#[graphql(input_name = "TimeWindowInput")]
pub struct TimeWindow {
    /// Local start, HH:MM.
    pub from: String,
    /// Local end, HH:MM (00:00: midnight).
    pub till: String,
}

/// What happens after one call result.
#[derive(SimpleObject, InputObject, Clone, Debug)]
#[graphql(input_name = "TreatmentInput")]
pub struct Treatment {
    /// The result.
    pub result: CallResult,
    /// What happens next.
    pub kind: TreatmentKind,
    /// RETRY: minutes before the first retry.
    pub interval_minutes: Option<i32>,
    /// RETRY: minutes added per retry already made.
    pub increment_minutes: Option<i32>,
    /// RETRY: attempts on the device at most, the first included.
    pub max_attempts: Option<i32>,
    /// RETRY_AT: when.
    pub at: Option<DateTime<Utc>>,
    /// Also put the device on the tenant's do-not-call list.
    pub suppress_device: bool,
}

impl From<&DomainTreatment> for Treatment {
    fn from(treatment: &DomainTreatment) -> Self {
        let mut out = Treatment {
            result: treatment.result.into(),
            kind: TreatmentKind::Final,
            interval_minutes: None,
            increment_minutes: None,
            max_attempts: None,
            at: None,
            suppress_device: treatment.suppress_device,
        };
        match treatment.action {
            TreatmentAction::Retry {
                interval_minutes,
                increment_minutes,
                max_attempts,
            } => {
                out.kind = TreatmentKind::Retry;
                out.interval_minutes = Some(interval_minutes as i32);
                out.increment_minutes = Some(increment_minutes as i32);
                out.max_attempts = Some(i32::from(max_attempts));
            }
            TreatmentAction::NextInChain => out.kind = TreatmentKind::NextInChain,
            TreatmentAction::RetryAt { at } => {
                out.kind = TreatmentKind::RetryAt;
                out.at = Some(at);
            }
            TreatmentAction::Final => {}
        }
        out
    }
}

impl Treatment {
    /// The domain value; a missing part is a field error.
    pub fn into_domain(self) -> Result<DomainTreatment, ApiError> {
        let action = match self.kind {
            TreatmentKind::Retry => TreatmentAction::Retry {
                interval_minutes: self
                    .interval_minutes
                    .ok_or_else(|| {
                        ApiError::bad_input("treatments", "RETRY needs intervalMinutes")
                    })?
                    .max(0) as u32,
                increment_minutes: self.increment_minutes.unwrap_or(0).max(0) as u32,
                max_attempts: self
                    .max_attempts
                    .ok_or_else(|| ApiError::bad_input("treatments", "RETRY needs maxAttempts"))?
                    .clamp(0, i32::from(u16::MAX)) as u16,
            },
            TreatmentKind::NextInChain => TreatmentAction::NextInChain,
            TreatmentKind::RetryAt => TreatmentAction::RetryAt {
                at: self
                    .at
                    .ok_or_else(|| ApiError::bad_input("treatments", "RETRY_AT needs at"))?,
            },
            TreatmentKind::Final => TreatmentAction::Final,
        };
        Ok(DomainTreatment {
            result: self.result.into(),
            action,
            suppress_device: self.suppress_device,
        })
    }
}

/// Reusable dialling settings campaigns are made from.
pub struct CampaignTemplate(pub Template);

#[Object]
impl CampaignTemplate {
    /// Its id.
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }
    /// Its name, unique in the tenant.
    async fn name(&self) -> &str {
        &self.0.row.name
    }
    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.row.description.as_deref()
    }
    /// How records are dialled.
    async fn dialing_mode(&self) -> DialMode {
        self.0.settings.dialing_mode.into()
    }
    /// Pacing and the abandon-rate target.
    async fn pacing(&self) -> Pacing {
        (&self.0.settings.pacing).into()
    }
    /// The number or sender shown to the called party.
    async fn caller_id(&self) -> Option<&str> {
        self.0.settings.caller_id.as_deref()
    }
    /// The agent group that takes the calls.
    async fn agent_group(&self) -> Option<&str> {
        self.0.settings.agent_group.as_deref()
    }
    /// When campaigns using it hand out records (none: whenever running).
    async fn schedule(&self) -> Option<CampaignSchedule> {
        self.0
            .settings
            .schedule
            .as_ref()
            .map(|schedule| CampaignSchedule {
                time_zone: schedule.time_zone.clone(),
                days: schedule.days.iter().map(|day| (*day).into()).collect(),
                from: hhmm(schedule.from),
                till: hhmm(schedule.till),
            })
    }
    /// A narrower daily window in each device's zone.
    async fn time_window(&self) -> Option<TimeWindow> {
        self.0.settings.time_window.map(|window| TimeWindow {
            from: hhmm(window.from),
            till: hhmm(window.till),
        })
    }
    /// Optional attempt rules of the compliance rule set it attaches.
    async fn optional_rules(&self) -> &[String] {
        &self.0.settings.optional_rules
    }
    /// The treatments it sets itself.
    async fn treatments(&self) -> Vec<Treatment> {
        self.0
            .settings
            .treatments
            .0
            .iter()
            .map(Treatment::from)
            .collect()
    }
    /// Every result's treatment as applied: its own, else the built-in default.
    async fn effective_treatments(&self) -> Vec<Treatment> {
        self.0
            .settings
            .treatments
            .effective()
            .iter()
            .map(Treatment::from)
            .collect()
    }
    /// The order a contact's devices are tried in.
    async fn device_order(&self) -> Vec<DeviceKind> {
        self.0
            .settings
            .device_order
            .iter()
            .map(|kind| (*kind).into())
            .collect()
    }
    /// The message template an SMS or EMAIL campaign sends.
    async fn message_template(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::graphql::messaging::MessageTemplate>> {
        let Some(id) = self.0.settings.message_template_id else {
            return Ok(None);
        };
        match workers::messaging::templates::get(
            crate::graphql::services(ctx),
            crate::graphql::principal(ctx)?,
            id,
        )
        .await
        {
            Ok(row) => Ok(Some(crate::graphql::messaging::MessageTemplate(row))),
            Err(workers::ServiceError::NotFound(_)) => Ok(None),
            Err(error) => Err(error).gql(),
        }
    }
    /// The most messages per second the campaign sends (none: no campaign cap).
    async fn messages_per_second(&self) -> Option<i32> {
        self.0
            .settings
            .messages_per_second
            .map(|rate| i32::try_from(rate).unwrap_or(i32::MAX))
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.row.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.row.updated_at
    }
}

/// One contact list of a campaign.
pub struct CampaignListEntry {
    /// The list and its weight.
    pub entry: campaigns::CampaignList,
    /// Its place in the campaign's list order (0 first).
    pub position: i32,
}

#[Object]
impl CampaignListEntry {
    /// The list's id.
    async fn list_id(&self) -> ID {
        ID(self.entry.list_id.to_string())
    }
    /// The list (null when it was deleted since).
    async fn list(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ContactList>> {
        let principal = principal(ctx)?;
        match workers::lists::get(services(ctx), principal, self.entry.list_id).await {
            Ok(list) => Ok(Some(ContactList(list))),
            Err(workers::ServiceError::NotFound(_)) => Ok(None),
            Err(error) => Err(error).gql(),
        }
    }
    /// Its weight when lists are mixed by weight.
    async fn weight(&self) -> i32 {
        self.entry.weight as i32
    }
    /// Its place in the order (0 first).
    async fn position(&self) -> i32 {
        self.position
    }
}

/// One key of the record order.
#[derive(SimpleObject, InputObject, Clone, Debug)]
#[graphql(input_name = "SortFieldInput")]
pub struct SortField {
    /// A contact field (`lastName`, `postalCode`, …) or `other1`…`other20`.
    pub field: String,
    /// Largest first.
    #[graphql(default)]
    pub descending: bool,
}

/// Devices the last load left out, by reason.
#[derive(SimpleObject)]
pub struct Excluded {
    /// On a suppression list.
    pub suppressed: i64,
    /// Never dialable in this campaign's mode (no consent for an automated mobile call, …).
    pub undialable: i64,
    /// Contacts the campaign's selection rules dropped.
    pub filtered: i64,
}

/// Where building the calling list stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum LoadStatus {
    /// Never loaded, or unloaded.
    NotLoaded,
    /// Being built; records already built can be dialled.
    Loading,
    /// Built.
    Ready,
    /// The build failed (see `loadError`).
    Failed,
}

/// A campaign (the seed's "campaign group"): a template, lists, filters, an order, a state.
pub struct Campaign(pub DomainCampaign);

#[Object]
impl Campaign {
    /// Its id.
    async fn id(&self) -> ID {
        ID(self.0.row.id.to_string())
    }
    /// Its name, unique in the tenant.
    async fn name(&self) -> &str {
        &self.0.row.name
    }
    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.row.description.as_deref()
    }
    /// The template's id.
    async fn template_id(&self) -> ID {
        ID(self.0.row.template_id.to_string())
    }
    /// The template it dials with.
    async fn template(&self, ctx: &Context<'_>) -> async_graphql::Result<CampaignTemplate> {
        let template =
            campaigns::templates::get(services(ctx), principal(ctx)?, self.0.row.template_id)
                .await
                .gql()?;
        Ok(CampaignTemplate(template))
    }
    /// Its state.
    async fn state(&self) -> CampaignState {
        self.0.state.into()
    }
    /// The state changes allowed now (the buttons to show).
    async fn allowed_transitions(&self) -> Vec<CampaignTransition> {
        self.0.state.allowed().into_iter().map(Into::into).collect()
    }
    /// When the state last changed.
    async fn state_changed_at(&self) -> DateTime<Utc> {
        self.0.row.state_changed_at
    }
    /// Where building the calling list stands.
    async fn load_status(&self) -> LoadStatus {
        match self.0.row.load_status.as_str() {
            campaigns::load_status::LOADING => LoadStatus::Loading,
            campaigns::load_status::READY => LoadStatus::Ready,
            campaigns::load_status::FAILED => LoadStatus::Failed,
            _ => LoadStatus::NotLoaded,
        }
    }
    /// Why the last load failed.
    async fn load_error(&self) -> Option<&str> {
        self.0.row.load_error.as_deref()
    }
    /// Contacts the load takes in (0 until counted).
    async fn load_contacts(&self) -> i64 {
        self.0.row.load_members
    }
    /// Contacts whose records are built.
    async fn loaded_contacts(&self) -> i64 {
        self.0.row.load_cursor
    }
    /// When the last load started.
    async fn load_started_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.load_started_at
    }
    /// When the last load finished.
    async fn load_finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.load_finished_at
    }
    /// Devices the last load left out, by reason.
    async fn excluded(&self) -> Excluded {
        let excluded = self.0.excluded;
        Excluded {
            suppressed: excluded.suppressed,
            undialable: excluded.undialable,
            filtered: excluded.filtered,
        }
    }
    /// Its contact lists in order.
    async fn lists(&self) -> Vec<CampaignListEntry> {
        self.0
            .lists
            .iter()
            .enumerate()
            .map(|(position, entry)| CampaignListEntry {
                entry: *entry,
                position: position as i32,
            })
            .collect()
    }
    /// How the lists are mixed.
    async fn list_mix(&self) -> ListMix {
        self.0.list_mix.into()
    }
    /// Saved selection rules a contact must pass (any of them); none: every contact.
    async fn selection_rule_ids(&self) -> Vec<ID> {
        self.0
            .selection_rule_ids
            .iter()
            .map(|id| ID(id.to_string()))
            .collect()
    }
    /// The record order (up to four fields).
    async fn record_order(&self) -> Vec<SortField> {
        self.0
            .record_order
            .iter()
            .map(|field| SortField {
                field: field.field.clone(),
                descending: field.descending,
            })
            .collect()
    }
    /// Overrides the template's agent group.
    async fn agent_group(&self) -> Option<&str> {
        self.0.row.agent_group.as_deref()
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.row.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.row.updated_at
    }
    /// Live counters, abandon rate against target, penetration and the last minutes' activity.
    async fn stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Minutes of chart points (1 to 1440).", default = 60)]
        timeline_minutes: i32,
    ) -> async_graphql::Result<CampaignStats> {
        principal(ctx)?
            .require(domain::Permission::ViewCampaigns)
            .gql()?;
        let minutes = timeline_minutes.clamp(1, 1440) as u32;
        let stats = stats::read(services(ctx), &self.0, minutes).await.gql()?;
        Ok(CampaignStats(stats))
    }
    /// Why records cannot be dialled: per rule, now and over the next 24 hours.
    async fn dialability(&self, ctx: &Context<'_>) -> async_graphql::Result<Dialability> {
        let result = dialability::compute(services(ctx), principal(ctx)?, self.0.row.id)
            .await
            .gql()?;
        Ok(Dialability(result))
    }
    /// The calling list in dialling order (the OCS layout), optionally of one record status.
    async fn records(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(
            desc = "Only records with this OCS record_status (1 ready, 2 retrieved, 3 updated, 5 cancelled, 9 chain ready)."
        )]
        status: Option<i32>,
    ) -> async_graphql::Result<CountedConnection<CallingRecord>> {
        let after_key = decode_cursor(after.as_deref())
            .gql()?
            .map(|raw| {
                raw.split_once(':')
                    .and_then(|(seq, id)| Some((seq.parse::<i64>().ok()?, id.parse::<i64>().ok()?)))
                    .ok_or_else(|| ApiError::bad_input("after", "is not a cursor from this list"))
            })
            .transpose()
            .gql()?;
        let status = status.map(|status| status.clamp(0, 99) as i16);
        let page = campaigns::records(
            services(ctx),
            principal(ctx)?,
            self.0.row.id,
            workers::page::PageRequest::new(first, wants_total(ctx)),
            after_key,
            status,
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after_key.is_some(),
            |record| format!("{}:{}", record.seq, record.record_id),
            CallingRecord,
        ))
    }
}

/// A campaign's live figures.
pub struct CampaignStats(pub stats::Stats);

/// One minute of activity.
#[derive(SimpleObject)]
pub struct StatPoint {
    /// The minute.
    pub at: DateTime<Utc>,
    /// Attempts that ended.
    pub attempts: i64,
    /// Answered by a person.
    pub answered: i64,
    /// Conversations.
    pub connects: i64,
    /// Abandoned calls.
    pub abandoned: i64,
}

#[Object]
impl CampaignStats {
    /// Records in the calling list.
    async fn records_total(&self) -> i64 {
        self.0.counters.total
    }
    /// Ready records (due now or scheduled).
    async fn ready(&self) -> i64 {
        self.0.counters.ready
    }
    /// Records leased to dialers.
    async fn leased(&self) -> i64 {
        self.0.counters.leased
    }
    /// Attempts with a result.
    async fn dialed(&self) -> i64 {
        self.0.counters.dialed
    }
    /// Conversations.
    async fn connected(&self) -> i64 {
        self.0.counters.connected
    }
    /// Abandoned calls.
    async fn abandoned(&self) -> i64 {
        self.0.counters.abandoned
    }
    /// No answer.
    async fn no_answer(&self) -> i64 {
        self.0.counters.no_answer
    }
    /// Busy.
    async fn busy(&self) -> i64 {
        self.0.counters.busy
    }
    /// Answering machines.
    async fn machine(&self) -> i64 {
        self.0.counters.machine
    }
    /// Records done for good.
    #[graphql(name = "final")]
    async fn final_count(&self) -> i64 {
        self.0.counters.final_count
    }
    /// Abandoned ÷ answered (or ÷ all calls, per the template) over the template's window.
    async fn abandon_rate(&self) -> f64 {
        self.0.abandon_rate
    }
    /// The template's target.
    async fn target_abandon_rate(&self) -> f64 {
        self.0.target_abandon_rate
    }
    /// Records dialled at least once ÷ records.
    async fn penetration(&self) -> f64 {
        self.0.penetration
    }
    /// Messages the gateway accepted (SMS and EMAIL campaigns).
    async fn sent(&self) -> i64 {
        self.0.counters.sent
    }
    /// Messages with a delivered receipt.
    async fn delivered(&self) -> i64 {
        self.0.counters.delivered
    }
    /// Messages refused by the gateway or with a failed receipt.
    async fn failed(&self) -> i64 {
        self.0.counters.failed
    }
    /// STOP replies to the campaign's messages.
    async fn opted_out(&self) -> i64 {
        self.0.counters.opted_out
    }
    /// When a counter last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.counters.updated_at
    }
    /// Minutes with activity in the requested span, oldest first.
    async fn timeline(&self) -> Vec<StatPoint> {
        self.0
            .timeline
            .iter()
            .map(|point| StatPoint {
                at: point.at,
                attempts: point.minute.attempts,
                answered: point.minute.answered,
                connects: point.minute.connects,
                abandoned: point.minute.abandoned,
            })
            .collect()
    }
}

/// Why records cannot be dialled.
pub struct Dialability(pub dialability::Dialability);

/// One reason's figures.
#[derive(SimpleObject)]
pub struct DialabilityExclusion {
    /// A rule (`CALLING_WINDOW`, `SUPPRESSION`, `ATTEMPT_LIMIT` …) or a state (`FINAL`, `RETRY_SCHEDULED`, `LEASED`, `WAITING_IN_CHAIN`, `CAMPAIGN_SCHEDULE`).
    pub reason: String,
    /// For people.
    pub label: String,
    /// Records it excludes now.
    pub now: i64,
    /// Records it excludes for the whole next 24 hours.
    #[graphql(name = "next24h")]
    pub next_24h: i64,
}

#[Object]
impl Dialability {
    /// When it was computed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Records in the calling list.
    async fn records(&self) -> i64 {
        self.0.records
    }
    /// Records a dialer could get now.
    async fn dialable_now(&self) -> i64 {
        self.0.dialable_now
    }
    /// Per reason, largest first.
    async fn exclusions(&self) -> Vec<DialabilityExclusion> {
        self.0
            .exclusions
            .iter()
            .map(|exclusion| DialabilityExclusion {
                reason: exclusion.reason.clone(),
                label: exclusion.label.clone(),
                now: exclusion.now,
                next_24h: exclusion.next_24h,
            })
            .collect()
    }
}

fn epoch(seconds: Option<i64>) -> Option<DateTime<Utc>> {
    seconds.and_then(|seconds| Utc.timestamp_opt(seconds, 0).single())
}

/// One calling-list record (the OCS layout).
pub struct CallingRecord(pub entity::calling_list_record::Model);

#[Object]
impl CallingRecord {
    /// `record_id`, the handle dialers send back as `GSW_RECORD_HANDLE`.
    async fn record_id(&self) -> i64 {
        self.0.record_id
    }
    /// The number or address.
    async fn contact_info(&self) -> &str {
        &self.0.contact_info
    }
    /// `contact_info_type` (1 home, 2 business, 4 mobile, 10 e-mail …).
    async fn contact_info_type(&self) -> i32 {
        self.0.contact_info_type.into()
    }
    /// `record_type` (2 general, 3 rescheduled, 5 personal callback, 6 campaign callback, 7 no call).
    async fn record_type(&self) -> i32 {
        self.0.record_type.into()
    }
    /// `record_status` (1 ready, 2 retrieved, 3 updated, 5 cancelled, 9 chain ready).
    async fn record_status(&self) -> i32 {
        self.0.record_status.into()
    }
    /// `call_result` (OCS code; 28 unknown).
    async fn call_result(&self) -> i32 {
        self.0.call_result.into()
    }
    /// Attempts made.
    async fn attempt(&self) -> i32 {
        self.0.attempt
    }
    /// Not before this instant (`dial_sched_time`).
    async fn dial_sched_time(&self) -> Option<DateTime<Utc>> {
        epoch(self.0.dial_sched_time)
    }
    /// The last call (`call_time`).
    async fn call_time(&self) -> Option<DateTime<Utc>> {
        epoch(self.0.call_time)
    }
    /// `daily_from`: seconds since local midnight.
    async fn daily_from(&self) -> i32 {
        self.0.daily_from
    }
    /// `daily_till`: seconds since local midnight.
    async fn daily_till(&self) -> i32 {
        self.0.daily_till
    }
    /// The device's zone.
    async fn tz_name(&self) -> Option<&str> {
        self.0.tz_name.as_deref()
    }
    /// The contact's chain.
    async fn chain_id(&self) -> i64 {
        self.0.chain_id
    }
    /// Position in the chain (0 first).
    async fn chain_n(&self) -> i32 {
        self.0.chain_n
    }
    /// The agent a personal callback belongs to, or who last had it.
    async fn agent_id(&self) -> Option<&str> {
        self.0.agent_id.as_deref()
    }
    /// When the current lease runs out.
    async fn lease_until(&self) -> Option<DateTime<Utc>> {
        epoch(self.0.lease_until)
    }
    /// The contact's client id.
    async fn client_id(&self) -> Option<&str> {
        self.0.c_client_id.as_deref()
    }
    /// The contact's first name.
    async fn first_name(&self) -> Option<&str> {
        self.0.c_first_name.as_deref()
    }
    /// The contact's last name.
    async fn last_name(&self) -> Option<&str> {
        self.0.c_last_name.as_deref()
    }
    /// The device kind.
    async fn device_kind(&self) -> &str {
        &self.0.cd_kind
    }
    /// The contact's id (for the contact page).
    async fn contact_id(&self) -> ID {
        ID(self.0.contact_id.to_string())
    }
}

/// A campaign's state change, as live subscribers see it.
pub struct CampaignStateChange(pub campaigns::StateChange);

#[Object]
impl CampaignStateChange {
    /// The campaign.
    async fn campaign_id(&self) -> ID {
        ID(self.0.campaign_id.to_string())
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The state before.
    async fn from(&self) -> CampaignState {
        self.0.from.into()
    }
    /// The state now.
    async fn to(&self) -> CampaignState {
        self.0.to.into()
    }
    /// What was asked.
    async fn transition(&self) -> CampaignTransition {
        self.0.transition.into()
    }
    /// Who asked.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
}
