"""The console's small certificate authority for EAP-TLS: pure functions over `cryptography` objects, no Django, no I/O.

Keys are RSA 2048. FreeRADIUS, eapol_test, Android and Apple accept P-256 as well, but RSA is the one key type every
802.1X client a participant brings (older Windows supplicants importing PKCS#12 into the legacy key store, older
Android key stores, embedded Linux boxes) handles without surprises, and the signing cost is irrelevant at camp scale.
"""
from __future__ import annotations

import datetime
import hashlib
import plistlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_BITS = 2048
# Clocks of phones that were off for days drift; a certificate that starts a little in the past still works.
BACKDATE = datetime.timedelta(minutes=10)
EAP_TLS = 13  # the EAP type number Apple's AcceptEAPTypes expects


@dataclass(frozen=True)
class Revoked:
    serial: int
    revoked_at: datetime.datetime
    reason: x509.ReasonFlags


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _key_usage(*, signing: bool, key_encipherment: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signing, content_commitment=False, key_encipherment=key_encipherment,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


def make_authority(common_name: str, organisation: str, now: datetime.datetime,
                   days: int = 3650) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A new CA key and its self-signed certificate, allowed to sign end-entity certificates only (path length 0)."""
    key = new_key()
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE).not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=True, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _issue(ca_key: rsa.RSAPrivateKey, ca: x509.Certificate, subject: x509.Name, usage: x509.ObjectIdentifier,
           not_after: datetime.datetime, now: datetime.datetime,
           names: Sequence[x509.GeneralName] = ()) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = new_key()
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE).not_valid_after(min(not_after, ca.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True, key_encipherment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def issue_server(ca_key: rsa.RSAPrivateKey, ca: x509.Certificate, dns_name: str, now: datetime.datetime,
                 days: int = 825) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The RADIUS server's certificate: serverAuth (Windows insists) and the DNS name clients are told to trust
    (Android's "Domain", Apple's TLSTrustedServerNames), 825 days at most as Apple requires."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_name)])
    return _issue(ca_key, ca, subject, ExtendedKeyUsageOID.SERVER_AUTH, now + datetime.timedelta(days=days), now,
                  [x509.DNSName(dns_name)])


def signing_subject(organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation[:55]} profiles")])


def issue_signing(ca_key: rsa.RSAPrivateKey, ca: x509.Certificate, subject: x509.Name, now: datetime.datetime,
                  days: int = 825) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The certificate that signs the console's Apple profiles: emailProtection, the purpose S/MIME verifiers
    (`openssl smime -verify`, `openssl cms -verify`) ask of a signer; Apple only asks for a chain to a trusted CA."""
    return _issue(ca_key, ca, subject, ExtendedKeyUsageOID.EMAIL_PROTECTION, now + datetime.timedelta(days=days), now)


def client_subject(organisation: str, participant: str, device: str) -> x509.Name:
    # The common name is the device (what a RADIUS log line needs); the participant goes in the unit.
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, participant[:64]),
                      x509.NameAttribute(NameOID.COMMON_NAME, device[:64])])


def issue_client(ca_key: rsa.RSAPrivateKey, ca: x509.Certificate, subject: x509.Name, not_after: datetime.datetime,
                 now: datetime.datetime) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A participant device's certificate (clientAuth), valid until `not_after` or the CA's own end."""
    return _issue(ca_key, ca, subject, ExtendedKeyUsageOID.CLIENT_AUTH, not_after, now)


def build_crl(ca_key: rsa.RSAPrivateKey, ca: x509.Certificate, revoked: Iterable[Revoked],
              last_update: datetime.datetime, next_update: datetime.datetime) -> x509.CertificateRevocationList:
    """The CRL listing `revoked`, numbered by `last_update`. The same arguments give the same bytes (RSA PKCS#1 v1.5
    signatures are deterministic), so a node intent carrying the CRL changes only when the CRL does.

    FreeRADIUS refuses every client once next_update has passed (allow_expired_crl is off by default), so whoever
    publishes it must publish a new one well before then."""
    builder = (
        x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
        .last_update(last_update).next_update(next_update)
        # Microseconds since the epoch: a later CRL has a larger number without a counter to keep.
        .add_extension(x509.CRLNumber(int(last_update.timestamp() * 1_000_000)), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    for entry in sorted(revoked, key=lambda entry: entry.serial):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(entry.serial).revocation_date(entry.revoked_at)
            .add_extension(x509.CRLReason(entry.reason), critical=False).build()
        )
    return builder.sign(ca_key, hashes.SHA256())


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_SPACE = " \t\n\v\f\r"


def _canonical_value(value: str) -> str:
    # OpenSSL lower-cases and collapses ASCII only; other letters and spaces stay as they are.
    spaced = "".join(" " if c in _ASCII_SPACE else c for c in value.translate(_ASCII_LOWER))
    return " ".join(part for part in spaced.split(" ") if part)


def name_hash(name: x509.Name) -> str:
    """OpenSSL's subject hash (`openssl x509 -hash`), which names the files of a CA directory (c_rehash): SHA-1 over
    the name's canonical encoding (values as lower-cased UTF8String with collapsed spaces, without the outer
    SEQUENCE header), first four bytes little-endian."""
    # cryptography's private enum is its only way to force UTF8String (countries default to PrintableString).
    canonical = x509.Name([
        x509.RelativeDistinguishedName([
            x509.NameAttribute(a.oid, _canonical_value(str(a.value)), x509.name._ASN1Type.UTF8String)
            for a in rdn
        ])
        for rdn in name.rdns
    ])
    der = canonical.public_bytes()
    header = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    digest = hashlib.sha1(der[header:]).digest()
    return f"{int.from_bytes(digest[:4], 'little'):08x}"


def ca_directory(ca: x509.Certificate, crl: x509.CertificateRevocationList) -> dict[str, bytes]:
    """File name -> content of a c_rehash-style directory with the CA and its CRL, for FreeRADIUS's ca_path and
    check_crl."""
    return {f"{name_hash(ca.subject)}.0": pem(ca), f"{name_hash(crl.issuer)}.r0": pem(crl)}


def pem(item: x509.Certificate | x509.CertificateRevocationList) -> bytes:
    return item.public_bytes(serialization.Encoding.PEM)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    """Unencrypted: the console encrypts it at rest itself, the RADIUS node keeps it in a root-only file."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def load_key(data: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(data, None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def pkcs12_bundle(key: rsa.RSAPrivateKey, certificate: x509.Certificate, ca: x509.Certificate, password: str,
                  friendly_name: str) -> bytes:
    """A password-protected PKCS#12 with the key, the certificate and the CA.

    Encrypted with PBE-SHA1-3DES and a SHA-1 MAC, not cryptography's BestAvailableEncryption (PBES2, AES-256,
    SHA-256 MAC): iOS before 17, macOS before 14, Windows before 10 1709 and several Android releases refuse those
    files with "wrong password". The file is handed over once and its strength is the password's anyway. 2048
    rounds: OpenSSL's own count for this format, the one every importer has been tested with.
    """
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1())
        .build(password.encode())
    )
    return pkcs12.serialize_key_and_certificates(friendly_name.encode(), key, certificate, [ca], encryption)


def signed(content: bytes, key: rsa.RSAPrivateKey, certificate: x509.Certificate, ca: x509.Certificate) -> bytes:
    """CONTENT inside a CMS (PKCS#7) SignedData, DER, signed with SHA-256 by CERTIFICATE, which travels in it with
    its CA: what Apple shows as a verified profile once the CA is trusted."""
    return (pkcs7.PKCS7SignatureBuilder().set_data(content).add_signer(certificate, key, hashes.SHA256())
            .add_certificate(ca).sign(serialization.Encoding.DER, []))


def _payload_uuid(namespace: uuid.UUID, what: str) -> str:
    return str(uuid.uuid5(namespace, what)).upper()


def apple_profile(*, identifier: str, organisation: str, ssids: Sequence[tuple[str, bool]], server_name: str,
                  identity: str,
                  bundle: bytes, ca: x509.Certificate) -> bytes:
    """An Apple configuration profile (.mobileconfig): the CA as a trust anchor, the PKCS#12 identity (its password
    is asked for at installation, so the profile alone does not open it) and one Wi-Fi payload per SSID joining
    with EAP-TLS and trusting only `server_name` signed by this CA. `ssids` are (ESSID, hidden) pairs."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, identifier)
    root_uuid, identity_uuid = _payload_uuid(namespace, "root"), _payload_uuid(namespace, "identity")
    content = [
        {"PayloadType": "com.apple.security.root", "PayloadVersion": 1, "PayloadUUID": root_uuid,
         "PayloadIdentifier": f"{identifier}.root", "PayloadDisplayName": ca.subject.rfc4514_string(),
         "PayloadCertificateFileName": "ca.cer", "PayloadContent": ca.public_bytes(serialization.Encoding.DER)},
        {"PayloadType": "com.apple.security.pkcs12", "PayloadVersion": 1, "PayloadUUID": identity_uuid,
         "PayloadIdentifier": f"{identifier}.identity", "PayloadDisplayName": identity,
         "PayloadCertificateFileName": "identity.p12", "PayloadContent": bundle},
    ]
    for ssid, hidden in ssids:
        content.append({
            "PayloadType": "com.apple.wifi.managed", "PayloadVersion": 1,
            "PayloadUUID": _payload_uuid(namespace, f"wifi:{ssid}"), "PayloadIdentifier": f"{identifier}.wifi.{ssid}",
            "PayloadDisplayName": ssid, "SSID_STR": ssid, "HIDDEN_NETWORK": hidden, "AutoJoin": True,
            "EncryptionType": "WPA2", "PayloadCertificateUUID": identity_uuid,
            "EAPClientConfiguration": {
                "AcceptEAPTypes": [EAP_TLS], "UserName": identity, "TLSTrustedServerNames": [server_name],
                "PayloadCertificateAnchorUUID": [root_uuid],
            },
        })
    return plistlib.dumps({
        "PayloadType": "Configuration", "PayloadVersion": 1, "PayloadIdentifier": identifier,
        "PayloadUUID": _payload_uuid(namespace, "profile"), "PayloadDisplayName": ", ".join(s for s, _ in ssids),
        "PayloadOrganization": organisation, "PayloadRemovalDisallowed": False, "PayloadContent": content,
    })
