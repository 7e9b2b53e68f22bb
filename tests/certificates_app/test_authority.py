"""The CA's pure functions: certificates, CRL, PKCS#12 and Apple profile parsed back; the chain checked by OpenSSL."""
import datetime
import plistlib
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from opsconsole.certificates import authority

NOW = datetime.datetime.now(datetime.timezone.utc)


@pytest.fixture(scope="module")
def ca():
    return authority.make_authority("Camp CA", "WIDE camp", NOW)


@pytest.fixture(scope="module")
def client(ca):
    subject = authority.client_subject("WIDE camp", "Carol Example", "00:1b:63:00:00:42")
    return authority.issue_client(*ca, subject, NOW + datetime.timedelta(days=3), NOW)


def test_the_ca_is_self_signed_and_may_sign_only_end_entities(ca):
    key, cert = ca
    cert.verify_directly_issued_by(cert)
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca and constraints.path_length == 0
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.crl_sign
    assert key.key_size == 2048


def test_the_server_certificate_names_the_radius_node_for_server_auth(ca):
    _key, server = authority.issue_server(*ca, "radius.camp.example", NOW)

    server.verify_directly_issued_by(ca[1])
    assert server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.DNSName) == ["radius.camp.example"]
    assert list(server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert server.not_valid_after_utc - server.not_valid_before_utc <= datetime.timedelta(days=825, minutes=10)


def test_the_client_certificate_names_participant_and_device_and_ends_when_asked(ca, client):
    _key, cert = client

    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "00:1b:63:00:00:42"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "Carol Example"
    assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert abs(cert.not_valid_after_utc - (NOW + datetime.timedelta(days=3))) < datetime.timedelta(seconds=1)


def test_no_certificate_outlives_its_ca(ca):
    subject = authority.client_subject("WIDE camp", "Carol", "phone")
    _key, cert = authority.issue_client(*ca, subject, NOW + datetime.timedelta(days=99999), NOW)
    assert cert.not_valid_after_utc == ca[1].not_valid_after_utc


def test_the_crl_lists_the_revoked_serials_with_reasons_and_a_next_update(ca, client):
    revoked = authority.Revoked(client[1].serial_number, NOW, x509.ReasonFlags.superseded)
    crl = authority.build_crl(*ca, [revoked], NOW, NOW + datetime.timedelta(days=7))

    assert crl.is_signature_valid(ca[1].public_key())
    entry = crl.get_revoked_certificate_by_serial_number(client[1].serial_number)
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.superseded
    assert crl.next_update_utc - crl.last_update_utc == datetime.timedelta(days=7)
    assert authority.build_crl(*ca, [revoked], NOW, NOW + datetime.timedelta(days=7)) == crl


def test_the_pkcs12_opens_with_its_password_only_and_uses_the_widely_readable_algorithms(ca, client, tmp_path):
    bundle = authority.pkcs12_bundle(*client, ca[1], "s3cret-word", "Carol's phone")

    loaded = pkcs12.load_pkcs12(bundle, b"s3cret-word")
    assert loaded.cert.certificate == client[1] and [c.certificate for c in loaded.additional_certs] == [ca[1]]
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(bundle, b"wrong")
    (tmp_path / "bundle.p12").write_bytes(bundle)
    info = subprocess.run(["openssl", "pkcs12", "-info", "-noout", "-in", tmp_path / "bundle.p12", "-passin",
                           "pass:s3cret-word"], capture_output=True, text=True, check=True).stderr
    assert "pbeWithSHA1And3-KeyTripleDES-CBC" in info and "MAC: sha1" in info and "AES" not in info


def test_openssl_verifies_the_chain_and_refuses_the_revoked_client(ca, client, tmp_path):
    (tmp_path / "ca.pem").write_bytes(authority.pem(ca[1]))
    (tmp_path / "client.pem").write_bytes(authority.pem(client[1]))
    verify = ["openssl", "verify", "-CAfile", tmp_path / "ca.pem", "-purpose", "sslclient"]
    assert subprocess.run([*verify, tmp_path / "client.pem"], capture_output=True).returncode == 0

    crl = authority.build_crl(*ca, [authority.Revoked(client[1].serial_number, NOW, x509.ReasonFlags.unspecified)],
                              NOW, NOW + datetime.timedelta(days=1))
    directory = tmp_path / "capath"
    directory.mkdir()
    for name, content in authority.ca_directory(ca[1], crl).items():
        (directory / name).write_bytes(content)
    refused = subprocess.run(["openssl", "verify", "-CApath", directory, "-crl_check", tmp_path / "client.pem"],
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "revoked" in refused.stdout + refused.stderr


@pytest.mark.parametrize("common_name", ["Camp CA", "  Mixed   Case CA ", "キャンプ認証局 Ä"])
def test_the_directory_names_match_openssls_hashes(common_name, tmp_path):
    _key, cert = authority.make_authority(common_name, "WIDE Camp", NOW)
    (tmp_path / "ca.pem").write_bytes(authority.pem(cert))
    expected = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", tmp_path / "ca.pem"],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert authority.name_hash(cert.subject) == expected


def test_the_apple_profile_joins_each_ssid_with_eap_tls_and_this_ca(ca, client):
    bundle = authority.pkcs12_bundle(*client, ca[1], "pw-123456", "phone")
    profile = plistlib.loads(authority.apple_profile(
        identifier="org.example.camp.device-7", organisation="WIDE camp", ssids=[("widecamp", False), ("widecamp-a", True)],
        server_name="radius.camp.example", identity="00:1b:63:00:00:42", bundle=bundle, ca=ca[1]))

    payloads = {p["PayloadType"]: p for p in profile["PayloadContent"]}
    wifi = [p for p in profile["PayloadContent"] if p["PayloadType"] == "com.apple.wifi.managed"]
    assert [(p["SSID_STR"], p["HIDDEN_NETWORK"]) for p in wifi] == [("widecamp", False), ("widecamp-a", True)]
    eap = wifi[0]["EAPClientConfiguration"]
    assert eap["AcceptEAPTypes"] == [13] and eap["TLSTrustedServerNames"] == ["radius.camp.example"]
    assert wifi[0]["PayloadCertificateUUID"] == payloads["com.apple.security.pkcs12"]["PayloadUUID"]
    assert eap["PayloadCertificateAnchorUUID"] == [payloads["com.apple.security.root"]["PayloadUUID"]]
    assert x509.load_der_x509_certificate(payloads["com.apple.security.root"]["PayloadContent"]) == ca[1]
    assert pkcs12.load_pkcs12(payloads["com.apple.security.pkcs12"]["PayloadContent"], b"pw-123456").key is not None
    assert "Password" not in payloads["com.apple.security.pkcs12"]
    uuids = [p["PayloadUUID"] for p in profile["PayloadContent"]] + [profile["PayloadUUID"]]
    assert len(set(uuids)) == len(uuids)
