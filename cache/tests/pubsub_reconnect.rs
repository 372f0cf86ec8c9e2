//! The Redis pub/sub connection heals itself: this test runs a private
//! `redis-server` (so killing connections cannot disturb parallel tests),
//! kills the cache's pub/sub connection and restarts the server, and checks that
//! an existing subscriber stream keeps receiving afterwards.

mod support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cache::Cache;
use futures::StreamExt;
use futures::stream::BoxStream;
use support::next_message;

/// A `redis-server` child process, killed on drop.
struct PrivateRedis {
    port: u16,
    process: Child,
}

impl PrivateRedis {
    async fn start(port: u16) -> PrivateRedis {
        let process = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed");
        let server = PrivateRedis { port, process };
        server.wait_until_ready().await;
        server
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn wait_until_ready(&self) {
        let client = redis::Client::open(self.url()).expect("url");
        for _ in 0..100 {
            if let Ok(mut connection) = client.get_multiplexed_async_connection().await {
                let pong: redis::RedisResult<String> =
                    redis::cmd("PING").query_async(&mut connection).await;
                if pong.is_ok() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("private redis-server did not start");
    }

    async fn run(&self, command: &mut redis::Cmd) -> redis::Value {
        let client = redis::Client::open(self.url()).expect("url");
        let mut connection = client
            .get_multiplexed_async_connection()
            .await
            .expect("connection");
        command.query_async(&mut connection).await.expect("command")
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

/// Publishes probes until one arrives: after a reconnection the subscription
/// comes back at some point, and messages sent before that are lost by design.
async fn wait_for_delivery(cache: &Cache, stream: &mut BoxStream<'static, String>) {
    for attempt in 0..100 {
        cache
            .publish("jobs", &format!("probe-{attempt}"))
            .await
            .ok();
        let arrived = tokio::time::timeout(Duration::from_millis(200), stream.next()).await;
        match arrived {
            Ok(Some(_)) => return,
            Ok(None) => panic!("the subscriber stream ended"),
            Err(_) => continue,
        }
    }
    panic!("pub/sub never recovered");
}

#[tokio::test]
async fn subscribers_survive_a_killed_connection_and_a_server_restart() {
    let port = free_port();
    let server = PrivateRedis::start(port).await;
    let cache = Cache::connect_redis(&server.url(), "reconnect:")
        .await
        .expect("connect");
    let mut stream = cache.subscribe("jobs").await.expect("subscribe");
    let _other = cache.subscribe("other").await.expect("second subscribe");
    cache.publish("jobs", "before").await.expect("publish");
    assert_eq!(next_message(&mut stream).await.as_deref(), Some("before"));

    let killed = server
        .run(redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("pubsub"))
        .await;
    assert_eq!(
        killed,
        redis::Value::Int(1),
        "exactly one pub/sub connection per cache"
    );
    wait_for_delivery(&cache, &mut stream).await;

    drop(server);
    let _restarted = PrivateRedis::start(port).await;
    wait_for_delivery(&cache, &mut stream).await;

    // A subscription made after recovery is live as soon as `subscribe` returns.
    let mut late = cache
        .subscribe("late")
        .await
        .expect("subscribe after restart");
    cache.publish("late", "hello").await.expect("publish");
    assert_eq!(next_message(&mut late).await.as_deref(), Some("hello"));
}
