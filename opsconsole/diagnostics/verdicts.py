"""What each verdict means, in the reader's language."""
from django.utils.translation import gettext_lazy as _

from .rfc4074 import Verdict

COULD_NOT_CHECK = "could-not-check"
VERDICTS = {
    Verdict.FINE: _("fine: the servers answer AAAA"),
    Verdict.NO_AAAA: _("no AAAA: A records only, DNS64 synthesises"),
    Verdict.NAME_ERROR: _("broken (RFC 4074 4.2): name error for AAAA while A exists"),
    Verdict.ERROR_CODE: _("broken (RFC 4074 4.3): an error code for AAAA"),
    Verdict.BROKEN_ANSWER: _("broken (RFC 4074 4.4): a broken AAAA answer"),
    Verdict.NO_ANSWER: _("broken (RFC 4074 4.1): AAAA questions go unanswered"),
    Verdict.NOT_AUTHORITATIVE: _("broken (RFC 4074 4.5): AAAA answered without authority"),
    Verdict.NO_SUCH_NAME: _("no such name"),
    Verdict.NO_ADDRESS: _("no address: neither AAAA nor A"),
    Verdict.SERVER_SILENT: _("the name's servers do not answer"),
    COULD_NOT_CHECK: _("could not check"),
    "delegated-well": _("every listed server answers with authority"),
    "lame": _("lame delegation"),
    "not-delegated": _("not delegated as a zone of its own"),
    "matches": _("every DNS64 node answers as expected"),
    "mismatch": _("a DNS64 node answers otherwise"),
    "fits": _("packets as large as each tunnel's MTU pass"),
    "black-hole": _("suspected black hole: the path MTU is below a tunnel's MTU"),
    "unreachable": _("no probe reached the destination"),
}
