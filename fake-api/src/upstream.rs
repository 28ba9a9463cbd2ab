//! Talking to the upstream in proxy mode: plain `http://` (the fake itself,
//! in tests) or `https://` — the real service — over rustls with the
//! Mozilla roots, plus an extra CA when `--upstream-ca` names one (tests).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::http::{exchange, split_url, Response};

/// A TLS client configuration trusting the web's roots and `extra_ca`.
pub fn tls_config(extra_ca: Option<&Path>) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(path) = extra_ca {
        for cert in CertificateDer::pem_file_iter(path).map_err(|e| format!("{}: {e}", path.display()))? {
            roots.add(cert.map_err(|e| format!("{}: {e}", path.display()))?).map_err(|e| e.to_string())?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

pub async fn send(
    tls: &Arc<rustls::ClientConfig>,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Response, String> {
    let Some(rest) = url.strip_prefix("https://") else {
        return crate::http::send(method, url, headers, body).await.map_err(|e| e.to_string());
    };
    let (authority, path) = split_url(rest);
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    let addr = if authority.rsplit_once(':').is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())) {
        authority.to_string()
    } else {
        format!("{authority}:443")
    };
    let name = ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']').to_string()).map_err(|e| e.to_string())?;
    let tcp = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let stream = TlsConnector::from(tls.clone()).connect(name, tcp).await.map_err(|e| format!("TLS: {e}"))?;
    exchange(stream, method, authority, path, headers, body).await.map_err(|e| e.to_string())
}
