//! TLS on the server's own socket, through the system OpenSSL the project
//! already links for signatures (handshakes run in [`crate::serve`]).

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context as _;
use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod};

/// The peer's address, from a plain or a TLS connection.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

/// Mozilla's "intermediate" settings (TLS 1.2 and 1.3) with the given
/// certificate chain and private key, both PEM.
pub fn acceptor(cert: &Path, key: &Path) -> anyhow::Result<SslAcceptor> {
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())?;
    builder
        .set_certificate_chain_file(cert)
        .with_context(|| format!("{}: not a PEM certificate chain", cert.display()))?;
    builder
        .set_private_key_file(key, SslFiletype::PEM)
        .with_context(|| format!("{}: not a PEM private key", key.display()))?;
    builder.check_private_key().with_context(|| {
        format!(
            "{} is not the private key of {}",
            key.display(),
            cert.display()
        )
    })?;
    Ok(builder.build())
}
