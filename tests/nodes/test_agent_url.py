"""Where the console reaches an agent: any host form a NOC uses, always with scheme and port, refused plainly otherwise."""
import pytest
from django.core.exceptions import ValidationError

from opsconsole.nodes.models import validate_agent_url


@pytest.mark.parametrize("url", ["http://127.0.0.1:9101", "https://[2001:db8::1]:9101", "http://agent:9104",
                                 "https://nat64-1.noc.example:8740/"])
def test_agent_urls_that_are_accepted(url):
    validate_agent_url(url)


@pytest.mark.parametrize("url", ["ftp://agent:21", "http://agent", "http://agent:99999", "http://a b:1",
                                 "http://agent:9101/v1/intent", "http://agent:9101?x=1", "agent:9101", ""])
def test_agent_urls_that_are_refused_say_what_is_expected(url):
    with pytest.raises(ValidationError, match="is not an agent URL: give http:// or https://, a host and a port"):
        validate_agent_url(url)
