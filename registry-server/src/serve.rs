//! The accept loop: HTTP/1.1 through hyper, plain or over TLS, with bounds
//! on what one client can hold.
//!
//! - A client has [`Limits::header_read_timeout`] to send a request's head,
//!   and the same to start the next one on a kept-alive connection: a
//!   connection that sends part of a head, or nothing, is closed.
//! - One address holds at most [`Limits::max_connections_per_address`]
//!   connections at once; more are closed as soon as they are accepted.
//! - A TLS handshake has [`HANDSHAKE_DEADLINE`], in its own task, so a
//!   client that stalls mid-handshake delays nobody else.
//!
//! Bodies are bounded by the handlers (each reads at most its limit) and
//! whole requests by the router's timeout.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use openssl::ssl::{Ssl, SslAcceptor};
use tokio::net::{TcpListener, TcpStream};
use tokio_openssl::SslStream;
use tower::ServiceExt as _;

use crate::tls::Peer;

/// How long a client has to finish its TLS handshake.
pub const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(10);

/// How long shutting down waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(30);

/// What one client may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Time to send a request head (and to start the next request on a
    /// kept-alive connection).
    pub header_read_timeout: Duration,
    /// Connections open at once from one IP address.
    pub max_connections_per_address: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_connections_per_address: 128,
        }
    }
}

/// Open connections per address; a [`Slot`] gives its place back on drop.
#[derive(Clone, Default)]
struct Counts(Arc<Mutex<HashMap<IpAddr, usize>>>);

struct Slot {
    counts: Counts,
    ip: IpAddr,
}

impl Counts {
    fn take(&self, ip: IpAddr, max: usize) -> Option<Slot> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Slot {
            counts: self.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serve `router` on `listener` until `shutdown` completes, then wait (a
/// bounded time) for the requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<SslAcceptor>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let counts = Counts::default();
    let tls = tls.map(Arc::new);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors and the like: wait, then go on.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = counts.take(addr.ip(), limits.max_connections_per_address) else {
            tracing::debug!(%addr, "connection refused: too many from this address");
            drop(stream);
            continue;
        };
        let router = router.clone();
        let tls = tls.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(Peer(addr)));
                router.clone().oneshot(req.map(axum::body::Body::new))
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .keep_alive(true);
            let result = match tls {
                None => {
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(conn).await
                }
                Some(acceptor) => {
                    let stream = match handshake(&acceptor, stream, addr).await {
                        Some(s) => s,
                        None => return,
                    };
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(conn).await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%addr, "connection closed: {e}");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after {DRAIN:?}: stopping anyway");
    }
}

async fn handshake(
    acceptor: &SslAcceptor,
    stream: TcpStream,
    addr: SocketAddr,
) -> Option<SslStream<TcpStream>> {
    let handshake = async {
        let ssl = Ssl::new(acceptor.context())?;
        let mut tls = SslStream::new(ssl, stream)?;
        Pin::new(&mut tls).accept().await?;
        Ok::<_, anyhow::Error>(tls)
    };
    match tokio::time::timeout(HANDSHAKE_DEADLINE, handshake).await {
        Ok(Ok(tls)) => Some(tls),
        Ok(Err(e)) => {
            tracing::debug!(%addr, "TLS handshake failed: {e}");
            None
        }
        Err(_) => {
            tracing::debug!(%addr, "TLS handshake timed out");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_per_address_are_bounded_and_given_back() {
        let counts = Counts::default();
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let first = counts.take(a, 2).unwrap();
        let _second = counts.take(a, 2).unwrap();
        assert!(counts.take(a, 2).is_none());
        assert!(counts.take(b, 2).is_some());
        drop(first);
        assert!(counts.take(a, 2).is_some());
    }
}
