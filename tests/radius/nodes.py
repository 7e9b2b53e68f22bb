"""A RADIUS node with its credentials and one NAS, as the radius tests need it."""
from opsconsole.radius.models import Nas, RadiusService

from ..transition.conftest import make_node


def make_radius_node(node_name: str, nas_name: str, nas_address: str, secret: str, *, with_service: bool = True,
                     nas_id: int | None = None, **service):
    """(node, its console token, the NAS); SERVICE: the RadiusService's fields (listen, auth_port)."""
    node = make_node(node_name)
    _secret, token = node.issue_credentials()
    node.save()
    if with_service:
        RadiusService.objects.create(node=node, **service)
    nas = Nas(pk=nas_id, name=nas_name, address=nas_address)
    nas.set_secret(secret)
    nas.save()
    return node, token, nas
