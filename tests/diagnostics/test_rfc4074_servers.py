"""RFC 4074's misbehaviours, each served by a real server on loopback, classified by check_aaaa."""
import pytest

from opsconsole.diagnostics.dnswire import DiagnosticError, parse_name
from opsconsole.diagnostics.rfc4074 import Verdict, check_aaaa, dns64_outcome

from .conftest import WEB4, WEB6, misbehaving_zone

EXPECTED = {
    "nxdomain": Verdict.NAME_ERROR,
    "servfail": Verdict.ERROR_CODE,
    "refused": Verdict.ERROR_CODE,
    "formerr": Verdict.ERROR_CODE,
    "notimp": Verdict.ERROR_CODE,
    "wrong-type": Verdict.BROKEN_ANSWER,
    "wrong-section": Verdict.BROKEN_ANSWER,
    "malformed": Verdict.BROKEN_ANSWER,
    "drop": Verdict.NO_ANSWER,
    "not-authoritative": Verdict.NOT_AUTHORITATIVE,
}


def check(lab, name: str):
    return check_aaaa(parse_name(name), lab.roots, lab.port, timeout=1.0)


@pytest.mark.parametrize("behaviour", sorted(EXPECTED))
def test_each_misbehaviour_is_named(dns_lab, behaviour):
    report = check(dns_lab, "www." + misbehaving_zone(behaviour))
    assert report.zone == misbehaving_zone(behaviour)
    assert report.verdict == EXPECTED[behaviour]
    assert report.misbehaving
    assert report.a == [WEB4]


def test_the_error_code_is_in_the_finding(dns_lab):
    report = check(dns_lab, "www.refused.test")
    assert "REFUSED" in report.findings[0].why


def test_bind_answers_well(dns_lab):
    dual = check(dns_lab, "dual.good.test")
    assert (dual.verdict, dual.aaaa, dual.a) == (Verdict.FINE, [WEB6], [WEB4])
    assert check(dns_lab, "v4only.good.test").verdict == Verdict.NO_AAAA
    assert check(dns_lab, "nothing.good.test").verdict == Verdict.NO_SUCH_NAME
    assert check(dns_lab, "empty.good.test").verdict == Verdict.NO_ADDRESS
    assert not dual.misbehaving


def test_dns64_synthesises_for_a_name_without_aaaa_and_fails_for_a_name_error(dns_lab):
    v4only = check(dns_lab, "v4only.good.test")
    outcome = dns64_outcome("dns64-1", "2001:db8:64::/96", v4only.verdict, v4only.aaaa, v4only.a)
    assert outcome.synthesised and outcome.addresses == ("2001:db8:64::c000:250",)
    nx = check(dns_lab, "www.nxdomain.test")
    failed = dns64_outcome("dns64-1", "2001:db8:64::/96", nx.verdict, nx.aaaa, nx.a)
    assert failed.addresses == () and "NXDOMAIN" in failed.failure


def test_a_root_that_does_not_answer_is_said_plainly(dns_lab):
    with pytest.raises(DiagnosticError, match="answered"):
        check_aaaa(parse_name("www.good.test"), ["127.0.0.9"], dns_lab.port, timeout=0.5)


@pytest.mark.parametrize("typed", ["", "exa mple.com", "http://example.com/", "a..b", "x" * 64 + ".com", "2001:db8::1"])
def test_malformed_names_are_refused_plainly(typed):
    with pytest.raises(DiagnosticError, match="DNS name"):
        parse_name(typed)
