//! Campaigns end to end with a simulated dialer (SPEC §2, §4): a list
//! imported through the API, a template whose treatments finish a record
//! after one call (so the run does not wait for retry times), the preload,
//! two simulator instances leasing, validating, "dialling" and reporting in
//! parallel — then every live counter is checked against the simulators'
//! own tallies. Also: lease expiry, do-not-call results suppressing the
//! number, and a killed preload resuming without doubling.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tests::dialer::{CampaignConfig, CampaignTally, Outcomes, Rng, run_campaign};
use tests::{Stores, TestApp, on_both_stores, spawn_app, spawn_app_with};

on_both_stores!(
    a_simulated_campaign_matches_every_counter,
    an_expired_lease_returns_its_record,
    a_killed_preload_resumes_without_doubling,
);

const IMPORT: &str = "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
    mapping: { defaultCountry: \"US\", columns: [ \
      { header: \"Account\", field: CLIENT_ID }, { header: \"First\", field: FIRST_NAME }, \
      { header: \"Last\", field: LAST_NAME }, { header: \"Home\", device: HOME }, \
      { header: \"Work\", device: WORK }, { header: \"Cell\", device: MOBILE } ] }) { id } }";
const JOB: &str = "query($id: ID!) { importJob(id: $id) { status accepted rejected } }";
const STATS: &str = "query($id: ID!) { campaign(id: $id) { state loadStatus loadError stats { recordsTotal ready leased \
    dialed connected abandoned noAnswer busy machine final penetration } } }";

/// The results a template treatment ends for good (the chain stops).
const FINAL_RESULTS: [&str; 2] = ["ANSWER", "DO_NOT_CALL"];

/// One generated contact: its key and its one to three numbers, in the CSV's
/// Home, Work, Cell columns ("" when it has none there).
struct Person {
    client_id: String,
    columns: [String; 3],
}

impl Person {
    fn phones(&self) -> usize {
        self.columns
            .iter()
            .filter(|phone| !phone.is_empty())
            .count()
    }
}

/// `count` contacts with 1–3 real-looking New York numbers each (212, 646,
/// 917, 718, 347, 929 area codes; working exchanges, unique lines).
fn people(count: usize, seed: u64) -> Vec<Person> {
    const AREAS: [&str; 6] = ["212", "646", "917", "718", "347", "929"];
    const EXCHANGES: [&str; 8] = ["736", "245", "382", "419", "582", "626", "870", "943"];
    let mut rng = Rng::new(seed);
    let mut line = 1_000u64;
    (0..count)
        .map(|index| {
            let phones = 1 + rng.below(3) as usize;
            // Which columns hold them: the first `phones` of a rotation, so every column is used.
            let start = rng.below(3) as usize;
            let mut columns = [String::new(), String::new(), String::new()];
            for slot in 0..phones {
                line += 1 + rng.below(7);
                let area = AREAS[rng.below(AREAS.len() as u64) as usize];
                let exchange = EXCHANGES[rng.below(EXCHANGES.len() as u64) as usize];
                columns[(start + slot) % 3] = format!("+1{area}{exchange}{line:04}");
            }
            Person {
                client_id: format!("SIMC-{index:04}"),
                columns,
            }
        })
        .collect()
}

fn csv(people: &[Person]) -> String {
    let mut text = String::from("Account,First,Last,Home,Work,Cell\n");
    for (index, person) in people.iter().enumerate() {
        text.push_str(&format!(
            "{},Pat{index},Doe{index},{},{},{}\n",
            person.client_id, person.columns[0], person.columns[1], person.columns[2]
        ));
    }
    text
}

/// A dialer's key with the lease, validation and history scopes.
async fn dialer_key(app: &TestApp, admin: &str) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: CreateApiClientInput!) { createApiClient(input: $input) { key } }",
            json!({ "input": { "name": "simulated dialer",
                "scopes": ["OCS_LEASE", "OCS_VALIDATE", "OCS_HISTORY"] } }),
        )
        .await;
    body["data"]["createApiClient"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Imports `people` into a new list through the API; with `drain` the test
/// runs the import task itself (apps without the `lists` role).
async fn import_list(app: &TestApp, admin: &str, people: &[Person], drain: bool) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation { createContactList(input: { name: \"Campaign people\", channel: VOICE }) { id } }",
            json!({}),
        )
        .await;
    let list_id = body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let body = tests::graphql_upload(
        &app.client,
        &app.address,
        admin,
        IMPORT,
        json!({ "list": list_id, "file": null }),
        "people.csv",
        &csv(people),
    )
    .await;
    let job_id = body["data"]["importContacts"]["id"].clone();
    assert!(job_id.is_string(), "{body}");
    if drain {
        while workers::import::try_execute_task(&app.services, "test-importer")
            .await
            .unwrap()
        {}
    }
    for _ in 0..300 {
        let body = app.graphql(Some(admin), JOB, json!({ "id": job_id })).await;
        match body["data"]["importJob"]["status"].as_str() {
            Some("SUCCEEDED") => {
                assert_eq!(
                    body["data"]["importJob"]["accepted"],
                    people.len(),
                    "{body}"
                );
                assert_eq!(body["data"]["importJob"]["rejected"], 0, "{body}");
                return list_id;
            }
            Some("FAILED") => panic!("the import failed: {body}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("the import did not finish");
}

/// A preview template whose every result ends the record after one call:
/// busy, no answer, machine and abandoned go on to the chain's next device
/// now (the defaults retry minutes to days later, which a test cannot wait
/// for); an answer ends the chain; do-not-call ends it and suppresses.
async fn quick_template(app: &TestApp, admin: &str) -> String {
    let onward = |result: &str| json!({ "result": result, "kind": "NEXT_IN_CHAIN", "suppressDevice": false });
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: CampaignTemplateInput!) { createCampaignTemplate(input: $input) { id } }",
            json!({ "input": { "name": "One call per device", "dialingMode": "PREVIEW", "treatments": [
                onward("BUSY"), onward("NO_ANSWER"), onward("ANSWERING_MACHINE"), onward("ABANDONED"),
                { "result": "ANSWER", "kind": "FINAL", "suppressDevice": false },
                { "result": "DO_NOT_CALL", "kind": "FINAL", "suppressDevice": true } ] } }),
        )
        .await;
    body["data"]["createCampaignTemplate"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn create_campaign(app: &TestApp, admin: &str, template: &str, list: &str) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: CampaignInput!) { createCampaign(input: $input) { id state loadStatus } }",
            json!({ "input": { "name": "Simulated", "templateId": template,
                "lists": [{ "listId": list, "weight": 1 }] } }),
        )
        .await;
    body["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn mutate(app: &TestApp, admin: &str, name: &str, id: &str) -> Value {
    let body = app
        .graphql(
            Some(admin),
            &format!("mutation($id: ID!) {{ {name}(id: $id) {{ state loadStatus }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert!(body["errors"].is_null(), "{name}: {body}");
    body["data"][name].clone()
}

async fn campaign_stats(app: &TestApp, admin: &str, id: &str) -> Value {
    let body = app.graphql(Some(admin), STATS, json!({ "id": id })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["campaign"].clone()
}

/// Loads (the app's `campaigns` role runs the preload) and waits for READY.
async fn load_and_wait(app: &TestApp, admin: &str, id: &str) -> Value {
    mutate(app, admin, "loadCampaign", id).await;
    for _ in 0..300 {
        let campaign = campaign_stats(app, admin, id).await;
        match campaign["loadStatus"].as_str() {
            Some("READY") => return campaign,
            Some("FAILED") => panic!("the preload failed: {campaign}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("the preload did not finish");
}

fn counter(campaign: &Value, name: &str) -> u64 {
    campaign["stats"][name]
        .as_u64()
        .unwrap_or_else(|| panic!("{name} in {campaign}"))
}

fn simulator(app: &TestApp, key: &str, campaign: &str, name: &str, seed: u64) -> CampaignConfig {
    CampaignConfig {
        url: app.address.clone(),
        key: key.to_owned(),
        campaign_id: campaign.to_owned(),
        // Eight agents in all against one campaign: leases judge outside their
        // write transaction, so concurrent leases never wait on each other's
        // second pooled connection (on SQLite they once starved the pool).
        agents: 4,
        outcomes: Outcomes {
            answer: 0.25,
            busy: 0.15,
            no_answer: 0.25,
            machine: 0.15,
            abandon: 0.10,
            do_not_call: 0.10,
        },
        call_ms: (0, 5),
        validate: true,
        dial_mode: "PREVIEW".into(),
        lease_seconds: 300,
        max_calls: None,
        seed,
        name: name.to_owned(),
    }
}

async fn a_simulated_campaign_matches_every_counter(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let people = people(120, 6);
    let devices: usize = people.iter().map(Person::phones).sum();
    let list = import_list(&app, &admin, &people, false).await;
    let template = quick_template(&app, &admin).await;
    let campaign = create_campaign(&app, &admin, &template, &list).await;
    let key = dialer_key(&app, &admin).await;

    let loaded = load_and_wait(&app, &admin, &campaign).await;
    // One record per device; only each contact's first device is ready, the rest wait in its chain.
    assert_eq!(counter(&loaded, "recordsTotal"), devices as u64, "{loaded}");
    assert_eq!(counter(&loaded, "ready"), people.len() as u64, "{loaded}");
    assert_eq!(
        mutate(&app, &admin, "startCampaign", &campaign).await["state"],
        "RUNNING"
    );

    // Two simulator instances, four agents each, against the same campaign.
    let (first, second) = tokio::join!(
        run_campaign(simulator(&app, &key, &campaign, "sim-a", 11)),
        run_campaign(simulator(&app, &key, &campaign, "sim-b", 23)),
    );
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    assert_eq!(
        first.unavailable + second.unavailable,
        0,
        "no store was unavailable"
    );
    assert!(
        first.dialed > 0 && second.dialed > 0,
        "both instances dialled"
    );
    let mut tally = CampaignTally::default();
    tally.merge(&first);
    tally.merge(&second);

    // No record was leased twice: nothing expired and no treatment retries,
    // so two leases of one record could only be a concurrency bug.
    let distinct: HashSet<i64> = tally.leased.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        tally.leased.len(),
        "a record was leased twice"
    );
    assert_eq!(tally.refused, 0, "the lease judged them first");
    assert_eq!(tally.validated, tally.dialed);
    assert_eq!(tally.leased.len() as u64, tally.dialed);
    assert_eq!(tally.records_dialed(), tally.dialed);

    // Each contact's chain, as the simulators saw it: devices in order, going
    // on after a non-final result, stopping at a final one or the last device.
    let phones: BTreeMap<&str, usize> = people
        .iter()
        .map(|person| (person.client_id.as_str(), person.phones()))
        .collect();
    let mut chains: BTreeMap<i64, Vec<&tests::dialer::Call>> = BTreeMap::new();
    for call in &tally.calls {
        chains.entry(call.chain_id).or_default().push(call);
    }
    assert_eq!(chains.len(), people.len(), "every contact was dialled");
    let mut expected_dialed = 0usize;
    for calls in chains.values_mut() {
        calls.sort_by_key(|call| call.chain_n);
        let client_id = calls[0].client_id.as_deref().expect("a client id");
        let owned = phones[client_id];
        let ns: Vec<i64> = calls.iter().map(|call| call.chain_n).collect();
        assert_eq!(
            ns,
            (0..calls.len() as i64).collect::<Vec<_>>(),
            "{client_id}"
        );
        let stop = calls
            .iter()
            .position(|call| FINAL_RESULTS.contains(&call.result.as_str()));
        match stop {
            Some(at) => assert_eq!(
                at + 1,
                calls.len(),
                "{client_id} dialled after a final result"
            ),
            None => assert_eq!(calls.len(), owned, "{client_id} stopped early"),
        }
        expected_dialed += calls.len();
    }
    assert_eq!(tally.dialed as usize, expected_dialed);

    // Every counter, against the simulators' tallies.
    let done = campaign_stats(&app, &admin, &campaign).await;
    let stats = &done["stats"];
    let total = devices as u64;
    assert_eq!(counter(&done, "recordsTotal"), total, "{stats}");
    assert_eq!(counter(&done, "dialed"), tally.dialed, "{stats}");
    assert_eq!(
        counter(&done, "connected"),
        tally.count("ANSWER"),
        "{stats}"
    );
    assert_eq!(
        counter(&done, "abandoned"),
        tally.count("ABANDONED"),
        "{stats}"
    );
    assert_eq!(
        counter(&done, "noAnswer"),
        tally.count("NO_ANSWER"),
        "{stats}"
    );
    assert_eq!(counter(&done, "busy"), tally.count("BUSY"), "{stats}");
    assert_eq!(
        counter(&done, "machine"),
        tally.count("ANSWERING_MACHINE"),
        "{stats}"
    );
    // Every record is done: dialled, or closed when its chain ended before it.
    assert_eq!(counter(&done, "final"), total, "{stats}");
    assert_eq!(counter(&done, "ready"), 0, "{stats}");
    assert_eq!(counter(&done, "leased"), 0, "{stats}");
    let penetration = stats["penetration"].as_f64().unwrap();
    let expected = tally.records_dialed() as f64 / total as f64;
    assert!(
        (penetration - expected).abs() < 1e-9,
        "{penetration} vs {expected}"
    );
    let sum: u64 = tally.results.values().sum();
    assert_eq!(sum, tally.dialed);

    // Nothing is left to lease.
    let (status, answer) = post(
        &app,
        &format!("/ocs/v1/campaigns/{campaign}/records:lease"),
        &key,
        &json!({ "count": 10 }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["records"], json!([]), "{answer}");

    // Do-not-call results put their numbers on the tenant's list; validating them now is refused.
    let refused: Vec<&str> = tally
        .calls
        .iter()
        .filter(|call| call.result == "DO_NOT_CALL")
        .map(|call| call.phone.as_str())
        .collect();
    assert!(
        !refused.is_empty(),
        "the seeds draw some do-not-call results"
    );
    let list = entity::suppression_list::Entity::find()
        .filter(
            entity::suppression_list::Column::Name.eq(workers::suppression::DIALER_RESULTS_LIST),
        )
        .one(&app.services.db)
        .await
        .unwrap()
        .expect("the call results' list was created");
    let entries = entity::suppression_entry::Entity::find()
        .filter(entity::suppression_entry::Column::ListId.eq(list.id))
        .all(&app.services.db)
        .await
        .unwrap();
    let listed: HashSet<&str> = entries.iter().map(|entry| entry.value.as_str()).collect();
    assert_eq!(listed, refused.iter().copied().collect::<HashSet<_>>());
    for phone in refused.iter().take(3) {
        let record = json!({ "GSW_PHONE": phone, "GSW_DIAL_MODE": "PREVIEW" });
        let mut last = (0, Value::Null);
        // The compliance index follows the change feed: give it a moment.
        for _ in 0..50 {
            last = post(&app, "/ocs/v1/validate", &key, &record).await;
            if last.0 == 409 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(last.0, 409, "{phone}: {}", last.1);
        assert_eq!(last.1["refusals"][0]["rule"], "SUPPRESSION", "{}", last.1);
    }
}

async fn post(app: &TestApp, path: &str, key: &str, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .header("x-api-key", key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn lease(app: &TestApp, key: &str, campaign: &str, body: Value) -> (u16, Value) {
    post(
        app,
        &format!("/ocs/v1/campaigns/{campaign}/records:lease"),
        key,
        &body,
    )
    .await
}

fn ids(answer: &Value) -> Vec<i64> {
    answer["records"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|record| record["record_id"].as_i64().unwrap())
        .collect()
}

async fn an_expired_lease_returns_its_record(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let people = people(6, 9);
    let list = import_list(&app, &admin, &people, false).await;
    let template = quick_template(&app, &admin).await;
    let campaign = create_campaign(&app, &admin, &template, &list).await;
    let key = dialer_key(&app, &admin).await;
    load_and_wait(&app, &admin, &campaign).await;

    // Not running yet: no lease.
    let (status, answer) = lease(&app, &key, &campaign, json!({ "count": 2 })).await;
    assert_eq!(status, 409, "{answer}");
    mutate(&app, &admin, "startCampaign", &campaign).await;
    let (status, answer) = lease(
        &app,
        &key,
        &campaign,
        json!({ "count": 2, "leaseSeconds": 5 }),
    )
    .await;
    assert_eq!(status, 400, "a lease is 10 s at least: {answer}");

    let (status, answer) = lease(
        &app,
        &key,
        &campaign,
        json!({ "count": 4, "leaseSeconds": 10 }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let first = ids(&answer);
    assert_eq!(first.len(), 4);
    let stats = campaign_stats(&app, &admin, &campaign).await;
    assert_eq!(
        (counter(&stats, "leased"), counter(&stats, "ready")),
        (4, 2),
        "{stats}"
    );

    // While leased they are nobody else's.
    let (_, answer) = lease(&app, &key, &campaign, json!({ "count": 10 })).await;
    let second = ids(&answer);
    assert_eq!(second.len(), 2);
    assert!(second.iter().all(|id| !first.contains(id)));

    // The lease runs out. Rather than sleep 10 s, move the first lease's
    // `lease_until` into the past directly in the database — exactly what the
    // clock would have done.
    let moved = workers::db::execute(
        &app.services.db,
        &format!(
            "UPDATE calling_list_records SET lease_until = lease_until - 3600 WHERE record_id IN ({})",
            first.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
        ),
        Vec::new(),
    )
    .await
    .unwrap();
    assert_eq!(moved, 4);
    let (status, answer) = lease(
        &app,
        &key,
        &campaign,
        json!({ "count": 10, "leaseSeconds": 10 }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let mut again = ids(&answer);
    again.sort();
    let mut expected = first.clone();
    expected.sort();
    assert_eq!(
        again, expected,
        "the expired records come back, and only they"
    );
    let stats = campaign_stats(&app, &admin, &campaign).await;
    assert_eq!(
        (counter(&stats, "leased"), counter(&stats, "ready")),
        (6, 0),
        "{stats}"
    );

    // A result for a re-leased record applies once and frees it.
    let record = &answer["records"][0];
    for (sequence, code) in [(0, "28"), (1, "33")] {
        let (status, body) = post(
            &app,
            "/ocs/v1/history",
            &key,
            &json!({ "GSW_CALL_ATTEMPT_GUID": "expiry-1", "GSW_HIST_SEQUENCE_NUM": sequence,
                "GSW_PHONE": record["GSW_PHONE"], "GSW_CUSTOMER_ID": record["GSW_CUSTOMER_ID"],
                "GSW_CALL_RESULT": code, "GSW_RECORD_HANDLE": record["record_id"] }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let stats = campaign_stats(&app, &admin, &campaign).await;
    assert_eq!(
        (
            counter(&stats, "leased"),
            counter(&stats, "dialed"),
            counter(&stats, "connected")
        ),
        (5, 1, 1),
        "{stats}"
    );
}

/// Records of a campaign, counted in the database.
async fn records_of(app: &TestApp, campaign: uuid::Uuid) -> u64 {
    entity::calling_list_record::Entity::find()
        .filter(entity::calling_list_record::Column::CampaignId.eq(campaign))
        .count(&app.services.db)
        .await
        .unwrap()
}

async fn stats_row(app: &TestApp, campaign: uuid::Uuid) -> (i64, i64) {
    let row = entity::campaign_stats::Entity::find_by_id(campaign)
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    (row.total, row.ready)
}

async fn a_killed_preload_resumes_without_doubling(stores: Stores) {
    use workers::campaigns::load::{self, Chunks};
    // Without the `campaigns` role: the test runs the preload itself, chunk by chunk.
    let app = spawn_app_with(stores, &["--roles", "api,compliance"]).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let people = people(57, 4);
    let devices: usize = people.iter().map(Person::phones).sum();
    let list = import_list(&app, &admin, &people, true).await;
    let template = quick_template(&app, &admin).await;
    let campaign = create_campaign(&app, &admin, &template, &list).await;
    let id = uuid::Uuid::parse_str(&campaign).unwrap();
    mutate(&app, &admin, "loadCampaign", &campaign).await;
    let small = |stop_after| Chunks {
        first: 7,
        rest: 10,
        stop_after,
    };

    // Killed after two chunks (7 + 10 contacts committed).
    load::run_with(&app.services, id, None, small(Some(2)))
        .await
        .unwrap();
    let row = entity::campaign::Entity::find_by_id(id)
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.load_status.as_str(), row.load_cursor, row.load_members),
        ("LOADING", 17, 57)
    );
    let partial = records_of(&app, id).await;
    let first_17: usize = people[..17].iter().map(Person::phones).sum();
    assert_eq!(partial, first_17 as u64);
    assert_eq!(stats_row(&app, id).await, (first_17 as i64, 17));

    // A worker killed after its chunk's insert but before the commit's
    // cursor: put the cursor back (records stay) — the repeat inserts nothing twice.
    workers::db::execute(
        &app.services.db,
        "UPDATE campaigns SET load_cursor = 7 WHERE id = $1",
        vec![id.into()],
    )
    .await
    .unwrap();
    load::run_with(&app.services, id, None, small(Some(1)))
        .await
        .unwrap();
    assert_eq!(records_of(&app, id).await, partial);
    assert_eq!(stats_row(&app, id).await, (first_17 as i64, 17));

    // Resumed to the end, from the task queue as the `campaigns` role would.
    while load::try_execute_task(&app.services, "test-loader")
        .await
        .unwrap()
    {}
    let done = campaign_stats(&app, &admin, &campaign).await;
    assert_eq!(done["loadStatus"], "READY", "{done}");
    assert_eq!(records_of(&app, id).await, devices as u64);
    assert_eq!(counter(&done, "recordsTotal"), devices as u64, "{done}");
    assert_eq!(counter(&done, "ready"), people.len() as u64, "{done}");
    // One record per device, one ready head per contact.
    let heads = entity::calling_list_record::Entity::find()
        .filter(entity::calling_list_record::Column::CampaignId.eq(id))
        .filter(entity::calling_list_record::Column::ChainN.eq(0))
        .count(&app.services.db)
        .await
        .unwrap();
    assert_eq!(heads, people.len() as u64);

    // Running a finished load again changes nothing.
    load::run(&app.services, id, None).await.unwrap();
    assert_eq!(records_of(&app, id).await, devices as u64);
}
