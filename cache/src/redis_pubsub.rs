//! One Redis pub/sub connection per cache, fanned out in-process.
//!
//! Opening a connection per subscriber would exhaust Redis under many GraphQL
//! subscriptions, so a [`PubSubHub`] holds a single connection with one
//! `PSUBSCRIBE {prefix}ch:*` and forwards each message to the broadcast sender
//! registered for its channel. A background task owns the connection: it pings
//! it to notice silent drops, and reconnects with jittered exponential backoff,
//! warning on the way (channel names only, never payloads). Redis pub/sub is
//! at-most-once: messages published while the connection is down are lost.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use rand::Rng;
use redis::Client;
use redis::aio::{PubSub, PubSubSink, PubSubStream};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::{CacheError, SUBSCRIBER_BUFFER, lock_ignoring_poison};

/// Longest wait for connecting and confirming the pattern subscription.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long `subscribe` waits for a dropped connection to come back.
const RECONNECT_WAIT: Duration = Duration::from_secs(5);

/// How often the idle connection is pinged to detect a silent drop.
const PING_INTERVAL: Duration = Duration::from_secs(15);

/// How long a ping may take before the connection is considered dead.
const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// First and largest pause between two reconnection attempts.
const BACKOFF_MIN: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// Full Redis channel name → the sender feeding that channel's subscribers.
type Senders = Arc<Mutex<HashMap<String, broadcast::Sender<String>>>>;

/// The shared pub/sub connection of one Redis-backed cache.
pub(crate) struct PubSubHub {
    senders: Senders,
    connected: watch::Receiver<bool>,
    task: JoinHandle<()>,
}

impl Drop for PubSubHub {
    // Stopping the task drops the connection and the task's share of the
    // senders, so subscriber streams end once the cache itself is gone.
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl PubSubHub {
    /// Opens the connection, confirms the pattern subscription, then hands the
    /// connection to the background task; fails if Redis cannot be reached.
    pub(crate) async fn start(client: Client, pattern: String) -> Result<PubSubHub, CacheError> {
        let connection = open(&client, &pattern).await?;
        let senders = Senders::default();
        let (connected_sender, connected) = watch::channel(true);
        let task = tokio::spawn(run(
            client,
            pattern,
            connection,
            Arc::clone(&senders),
            connected_sender,
        ));
        Ok(PubSubHub {
            senders,
            connected,
            task,
        })
    }

    /// Registers a subscriber of `channel` (the full Redis name), then waits
    /// until the pattern subscription is live, so that anything published after
    /// this returns reaches the receiver.
    pub(crate) async fn subscribe(
        &self,
        channel: &str,
    ) -> Result<broadcast::Receiver<String>, CacheError> {
        let receiver = {
            let mut senders = lock_ignoring_poison(&self.senders);
            senders.retain(|_, sender| sender.receiver_count() > 0);
            senders
                .entry(channel.to_owned())
                .or_insert_with(|| broadcast::channel(SUBSCRIBER_BUFFER).0)
                .subscribe()
        };
        let mut connected = self.connected.clone();
        match tokio::time::timeout(RECONNECT_WAIT, connected.wait_for(|is_up| *is_up)).await {
            Ok(Ok(_)) => Ok(receiver),
            Ok(Err(_)) => Err(CacheError::PubSubUnavailable(
                "the pub/sub task stopped".to_owned(),
            )),
            Err(_) => Err(CacheError::PubSubUnavailable(
                "redis pub/sub connection is down".to_owned(),
            )),
        }
    }
}

/// Connects and subscribes to `pattern`; returns once Redis confirmed it.
async fn open(client: &Client, pattern: &str) -> Result<PubSub, CacheError> {
    let attempt = async {
        let mut connection = client.get_async_pubsub().await?;
        connection.psubscribe(pattern).await?;
        Ok::<_, redis::RedisError>(connection)
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(CacheError::PubSubUnavailable(
            "timed out connecting to redis".to_owned(),
        )),
    }
}

/// The background task: pumps messages until the connection drops, then
/// reconnects, forever (it is aborted when the hub is dropped).
async fn run(
    client: Client,
    pattern: String,
    mut connection: PubSub,
    senders: Senders,
    connected: watch::Sender<bool>,
) {
    loop {
        connected.send_replace(true);
        let (sink, stream) = connection.split();
        let reason = pump(sink, stream, &senders).await;
        connected.send_replace(false);
        tracing::warn!(%reason, "redis pub/sub connection lost; reconnecting");
        connection = reconnect(&client, &pattern).await;
        tracing::info!("redis pub/sub connection restored");
    }
}

/// Forwards messages to subscribers until the connection ends or stops
/// answering pings; returns why it stopped.
async fn pump(mut sink: PubSubSink, mut stream: PubSubStream, senders: &Senders) -> String {
    let mut ping_timer = tokio::time::interval(PING_INTERVAL);
    ping_timer.reset(); // the first tick would otherwise fire at once
    loop {
        tokio::select! {
            message = stream.next() => {
                let Some(message) = message else {
                    return "connection closed".to_owned();
                };
                dispatch(&message, senders);
            }
            _ = ping_timer.tick() => {
                match tokio::time::timeout(PING_TIMEOUT, sink.ping::<redis::Value>()).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(error)) => return format!("ping failed: {error}"),
                    Err(_) => return "ping timed out".to_owned(),
                }
            }
        }
    }
}

/// Hands one message to the subscribers of its channel, if any.
fn dispatch(message: &redis::Msg, senders: &Senders) {
    let channel = message.get_channel_name();
    let payload: String = match message.get_payload() {
        Ok(payload) => payload,
        Err(_) => {
            tracing::warn!(%channel, "dropped a pub/sub message that is not UTF-8 text");
            return;
        }
    };
    let mut senders = lock_ignoring_poison(senders);
    let Some(sender) = senders.get(channel) else {
        return;
    };
    if sender.send(payload).is_err() {
        // Every subscriber is gone: forget the channel until someone subscribes again.
        senders.remove(channel);
    }
}

/// Retries [`open`] with jittered exponential backoff until it succeeds.
async fn reconnect(client: &Client, pattern: &str) -> PubSub {
    let mut backoff = BACKOFF_MIN;
    let mut attempt: u32 = 0;
    loop {
        tokio::time::sleep(with_jitter(backoff)).await;
        attempt += 1;
        match open(client, pattern).await {
            Ok(connection) => return connection,
            Err(error) => {
                tracing::warn!(attempt, %error, "redis pub/sub reconnection failed");
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
        }
    }
}

/// `base` plus up to half of it at random, so replicas do not reconnect in lockstep.
fn with_jitter(base: Duration) -> Duration {
    let half_millis = u64::try_from(base.as_millis() / 2).unwrap_or(u64::MAX);
    let extra = rand::rng().random_range(0..=half_millis);
    base + Duration::from_millis(extra)
}
