"""The client's address, seen through the reverse proxies named in TRUSTED_PROXIES and through nothing else."""
import ipaddress

from django.conf import settings


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """REMOTE_ADDR, or, when that is a trusted proxy, the rightmost X-Forwarded-For hop that is not one.

    Hops left of the first untrusted one were written by the client and prove nothing; a malformed hop stops
    the walk at the proxy that forwarded it.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(address):
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        try:
            hop = str(ipaddress.ip_address(hop))
        except ValueError:
            return address
        address = hop
        if not _is_trusted_proxy(hop):
            return hop
    return address
