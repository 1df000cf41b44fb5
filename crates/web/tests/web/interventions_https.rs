//! Webhooks over HTTPS (issue 19): a provider's receiver with a certificate from the provider's
//! own CA, both made in the test (rcgen), served with rustls. The deliveries' client trusts it
//! only once that CA root is configured for it — as a deployment adds a provider's CA with
//! `webhooks_ca_file` — and refuses it before: certificates are always verified.

use crate::interventions::{cast, programme};
use crate::support::api_call;
use base64::Engine;
use hmac::{KeyInit, Mac};
use reqwest::{Method, StatusCode};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the receiver was sent: each request's head and body.
type Received = Arc<Mutex<Vec<(String, String)>>>;

struct Receiver {
    address: SocketAddr,
    /// The provider's CA certificate, PEM: what a deployment would put in `webhooks_ca_file`.
    ca_pem: String,
    received: Received,
}

/// A CA, a certificate it signs for 127.0.0.1, and an HTTPS server with it answering every
/// request 204 and keeping what it was sent.
async fn https_receiver() -> Receiver {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "Provider test CA");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);

    let server_key = rcgen::KeyPair::generate().unwrap();
    let mut server_params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    server_params.subject_alt_names.push(rcgen::SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let chain: Vec<CertificateDer<'static>> = vec![server_cert.der().clone()];
    // The crypto provider the deliveries' client installs (ring), for the receiver too.
    web::webhooks::client(&[]).unwrap();
    let provider = rustls::crypto::CryptoProvider::get_default().unwrap().clone();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let received: Received = Arc::default();
    let kept = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            let kept = kept.clone();
            tokio::spawn(async move {
                // A client that does not trust the certificate ends the handshake: nothing kept.
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                if let Some(request) = read_request(&mut tls).await {
                    kept.lock().unwrap().push(request);
                    let answer = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                    let _ = tls.write_all(answer).await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    Receiver { address, ca_pem: ca_cert.pem(), received }
}

/// One HTTP/1.1 request: its head and its body of `content-length` bytes.
async fn read_request(stream: &mut (impl AsyncReadExt + Unpin)) -> Option<(String, String)> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&buffer[..n]);
        let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
        let length: usize = header(&head, "content-length").parse().unwrap_or(0);
        if bytes.len() >= end + 4 + length {
            return Some((head, String::from_utf8_lossy(&bytes[end + 4..end + 4 + length]).into_owned()));
        }
    }
}

/// A header's value in a request head (names compared without case, as HTTP does).
fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
        .map_or("", |(_, value)| value.trim())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_reach_an_https_receiver_whose_ca_is_configured_and_only_then() {
    let c = cast().await;
    let receiver = https_receiver().await;
    let worker = c.app.session_for(&c.worker).await;
    let officer = c.app.session_for(&c.officer).await;

    let url = format!("https://127.0.0.1:{}/hook", receiver.address.port());
    let (status, hook) = api_call(&worker, Method::POST, "/api/v1/webhooks", Some(json!({"url": url}))).await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let secret = hook["secret"].as_str().unwrap().strip_prefix("whsec_").unwrap();
    let secret = base64::engine::general_purpose::STANDARD.decode(secret).unwrap();
    let (_, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(programme())).await;
    let body = json!({"person_id": c.person.to_string(), "intervention_id": entry["id"]});
    let (status, referral) = api_call(&officer, Method::POST, "/api/v1/referrals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{referral}");

    let clock = c.app.clock.as_ref();
    web::webhooks::follow_outbox(&c.app.store, clock, uuid::Uuid::now_v7()).await.unwrap();
    let log_path = format!("/api/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap());

    // The system's roots alone do not vouch for the provider's CA: refused, kept for a retry.
    let system_roots_only = web::webhooks::client(&[]).unwrap();
    assert_eq!(web::webhooks::send_due(&c.app.store, clock, &system_roots_only, false).await.unwrap(), 1);
    let (_, log) = api_call(&worker, Method::GET, &log_path, None).await;
    assert_eq!((log[0]["state"].as_str(), log[0]["last_status"].as_u64()), (Some("pending"), None), "{log}");
    assert!(log[0]["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{log}");
    assert!(receiver.received.lock().unwrap().is_empty(), "nothing was sent to an unverified receiver");

    // With the provider's CA configured the retry is delivered, signed, over TLS.
    c.app.clock.advance(web::webhooks::backoff(1));
    let with_ca = web::webhooks::client(receiver.ca_pem.as_bytes()).unwrap();
    assert_eq!(web::webhooks::send_due(&c.app.store, clock, &with_ca, false).await.unwrap(), 1);
    let (_, log) = api_call(&worker, Method::GET, &log_path, None).await;
    assert_eq!((log[0]["state"].as_str(), log[0]["last_status"].as_u64()), (Some("delivered"), Some(204)), "{log}");
    let (head, body) = receiver.received.lock().unwrap()[0].clone();
    assert!(head.starts_with("POST /hook HTTP/1.1"), "{head}");
    let (id, timestamp) = (header(&head, "webhook-id"), header(&head, "webhook-timestamp"));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let expected = format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
    assert_eq!(header(&head, "webhook-signature"), expected, "signed as Standard Webhooks describes");
    let payload: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(payload["data"]["referral_id"], referral["id"]);
}

#[test]
fn a_ca_file_that_is_not_pem_certificates_is_refused() {
    assert!(web::webhooks::client(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n").is_err());
}
