//! The accept loop against slow and greedy clients, on a loopback socket:
//! a connection that sends part of a request head, or nothing, or stays
//! idle after a request, is closed after the header-read timeout, and one
//! address holds a bounded number of connections.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use skillseal_registry::serve::{Limits, serve};

/// Serve a trivial router with `limits`; the server stops with the test's
/// runtime.
async fn start(limits: Limits) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().route("/", get(|| async { "ok" }));
    tokio::spawn(serve(
        listener,
        router,
        None,
        limits,
        std::future::pending(),
    ));
    addr
}

/// Seconds until the server closes `stream` (reading whatever it sends
/// first), or `None` if it is still open after `wait`.
fn closed_after(mut stream: TcpStream, wait: Duration) -> Option<f64> {
    let started = Instant::now();
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Some(started.elapsed().as_secs_f64()),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(started.elapsed().as_secs_f64());
            }
            Err(_) => return None,
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_and_idle_connections_are_closed() {
    let addr = start(Limits {
        header_read_timeout: Duration::from_secs(1),
        max_connections_per_address: 16,
    })
    .await;
    let wait = Duration::from_secs(20);
    let results = tokio::task::spawn_blocking(move || {
        // Nothing sent.
        let silent = TcpStream::connect(addr).unwrap();
        // Part of a head.
        let mut partial = TcpStream::connect(addr).unwrap();
        partial
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .unwrap();
        // A whole request, then nothing more on the kept-alive connection.
        let mut idle = TcpStream::connect(addr).unwrap();
        idle.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        [
            ("silent", closed_after(silent, wait)),
            ("partial head", closed_after(partial, wait)),
            ("idle keep-alive", closed_after(idle, wait)),
        ]
    })
    .await
    .unwrap();
    for (what, closed) in results {
        assert!(closed.is_some(), "{what}: still open after {wait:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_address_holds_a_bounded_number_of_connections() {
    let addr = start(Limits {
        header_read_timeout: Duration::from_secs(30),
        max_connections_per_address: 2,
    })
    .await;
    tokio::task::spawn_blocking(move || {
        let ask = |stream: &mut TcpStream| {
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(20)))
                .unwrap();
            let mut buf = [0u8; 256];
            let n = stream.read(&mut buf).unwrap_or(0);
            String::from_utf8_lossy(&buf[..n]).into_owned()
        };
        let mut first = TcpStream::connect(addr).unwrap();
        let mut second = TcpStream::connect(addr).unwrap();
        assert!(ask(&mut first).starts_with("HTTP/1.1 200"));
        assert!(ask(&mut second).starts_with("HTTP/1.1 200"));
        // The third is closed as soon as it is accepted.
        let third = TcpStream::connect(addr).unwrap();
        assert!(closed_after(third, Duration::from_secs(20)).is_some());
        // A place is given back when a connection closes.
        drop(first);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut again = TcpStream::connect(addr).unwrap();
            if ask(&mut again).starts_with("HTTP/1.1 200") {
                break;
            }
            assert!(Instant::now() < deadline, "no place given back");
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .unwrap();
}
