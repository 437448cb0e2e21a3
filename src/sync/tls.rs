//! The desks' link is TLS with the hub's own certificate: made at the hub's first start (kept in
//! the data folder beside the secret key), and pinned by every desk by its SHA-256 fingerprint.
//! A pairing code carries the first 80 bits of that fingerprint, so a desk pairing on a LAN shared
//! with guests' phones talks to the real hub or to no one; after pairing it pins the whole of it.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::db::files;

const CERT_FILE: &str = "sync-cert.der";
const KEY_FILE: &str = "sync-key.der";

/// The hub's certificate and key for the desks' link.
pub struct Identity {
    pub cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl Identity {
    /// The certificate's SHA-256, in hex: what desks pin.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.cert)
    }
}

/// The hub's identity from the data folder, made there on first use.
pub fn load_or_create(data: &Path) -> anyhow::Result<Identity> {
    let (cert_path, key_path) = (data.join(CERT_FILE), data.join(KEY_FILE));
    if cert_path.is_file() && key_path.is_file() {
        let cert = std::fs::read(&cert_path).with_context(|| format!("cannot read {}", cert_path.display()))?;
        let key = std::fs::read(&key_path).with_context(|| format!("cannot read {}", key_path.display()))?;
        return Ok(Identity { cert: CertificateDer::from(cert), key: PrivatePkcs8KeyDer::from(key) });
    }
    let key = rcgen::KeyPair::generate().context("cannot make a key for the desks' link")?;
    let params = rcgen::CertificateParams::new(vec!["courtside-hub".to_owned()])?;
    let cert = params.self_signed(&key).context("cannot make the hub's certificate")?;
    let write = |path: &Path, bytes: &[u8]| -> anyhow::Result<()> {
        use std::io::Write;
        let mut file = files::create_private_file(path).with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(bytes)?;
        Ok(file.sync_all()?)
    };
    write(&key_path, &key.serialize_der())?;
    write(&cert_path, cert.der())?;
    Ok(Identity { cert: cert.der().clone(), key: PrivatePkcs8KeyDer::from(key.serialize_der()) })
}

pub fn fingerprint(cert: &[u8]) -> String {
    crate::core::hex(&Sha256::digest(cert))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub fn server_config(id: &Identity) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![id.cert.clone()], PrivateKeyDer::Pkcs8(id.key.clone_key()))?;
    Ok(Arc::new(config))
}

/// What a desk expects the hub's certificate to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    /// The whole SHA-256 in hex (a paired desk).
    Fingerprint(String),
    /// The 16 characters a pairing code carries (`code_part`).
    CodePart(String),
}

impl Pin {
    fn admits(&self, cert: &[u8]) -> bool {
        let digest = Sha256::digest(cert);
        match self {
            Pin::Fingerprint(hex) => crate::core::hex(&digest) == *hex,
            Pin::CodePart(part) => code_part(&digest) == *part,
        }
    }
}

/// The part of a pairing code that names the certificate: 80 bits of its hash in base32.
pub fn code_part(digest: &[u8]) -> String {
    base32(&digest[..10])
}

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Crockford's base32, without padding (the bytes' bits, five at a time).
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0);
    for b in bytes {
        acc = (acc << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A code as typed, the way Crockford's base32 reads it: any case, dashes and spaces ignored, O
/// for 0, I and L for 1.
pub fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// The client side of the link: the hub's certificate is accepted only if it is the pinned one.
/// `seen` receives the fingerprint of the certificate the hub showed (pairing stores it).
pub fn client_config(
    pin: Pin,
    seen: Arc<std::sync::Mutex<Option<String>>>,
) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let provider = provider();
    let verifier = Arc::new(Pinned { pin, seen, provider: provider.clone() });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[derive(Debug)]
struct Pinned {
    pin: Pin,
    seen: Arc<std::sync::Mutex<Option<String>>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if !self.pin.admits(end_entity) {
            return Err(rustls::Error::InvalidCertificate(rustls::CertificateError::ApplicationVerificationFailure));
        }
        *self.seen.lock().expect("seen certificate") = Some(fingerprint(end_entity));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_the_way_people_type_them() {
        assert_eq!(base32(&[0xff, 0x00]), "ZW00");
        assert_eq!(normalise_code("abcd-efgh ijkl-mnop"), "ABCDEFGH1JK1MN0P");
    }

    #[test]
    fn the_hub_keeps_its_certificate_and_a_desk_admits_only_the_pinned_one() {
        let dir = tempfile::tempdir().unwrap();
        let made = load_or_create(dir.path()).unwrap();
        let again = load_or_create(dir.path()).unwrap();
        assert_eq!(made.fingerprint(), again.fingerprint());
        server_config(&made).unwrap();
        let digest = Sha256::digest(&made.cert);
        assert!(Pin::Fingerprint(made.fingerprint()).admits(&made.cert));
        assert!(Pin::CodePart(code_part(&digest)).admits(&made.cert));
        let other = load_or_create(tempfile::tempdir().unwrap().path()).unwrap();
        assert!(!Pin::Fingerprint(made.fingerprint()).admits(&other.cert));
        assert!(!Pin::CodePart(code_part(&digest)).admits(&other.cert));
    }
}
