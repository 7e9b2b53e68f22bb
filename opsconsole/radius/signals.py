"""Keeps RADIUS nodes' intents in step with the NAS inventory: clients and the secrets version live in the intent.

Registrations need nothing here: FreeRADIUS reads them through the database views the moment they commit.
"""
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from opsconsole.audit.models import AuditEntry
from opsconsole.audit.trail import record
from opsconsole.certificates.models import IssuedCertificate
from opsconsole.nodes.revisions import mark_nodes_dirty

from .intents import radius_nodes
from .models import Nas, RadiusService


@receiver(post_save, sender=Nas, dispatch_uid="radius-nas-saved")
@receiver(post_delete, sender=Nas, dispatch_uid="radius-nas-deleted")
def nas_changed(sender, raw: bool = False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(lambda: mark_nodes_dirty(radius_nodes(), "NAS inventory changed"))


@receiver(post_save, sender=RadiusService, dispatch_uid="radius-service-saved")
def radius_service_changed(sender, instance: RadiusService, raw: bool = False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(lambda: mark_nodes_dirty([instance.node_id], "RADIUS service changed"))


@receiver(post_save, sender=IssuedCertificate, dispatch_uid="radius-certificate-revoked")
def certificate_revoked(sender, instance: IssuedCertificate, raw: bool = False, **kwargs) -> None:
    # The new CRL reaches FreeRADIUS with the node's next intent (its secrets version), before the next login.
    if not raw and instance.revoked_at is not None:
        transaction.on_commit(lambda: mark_nodes_dirty(radius_nodes(), "certificate revoked"))


@receiver(m2m_changed, sender=Nas.ssids.through, dispatch_uid="radius-nas-ssids")
def nas_ssids_changed(sender, instance, action: str, **kwargs) -> None:
    # Which SSIDs a NAS serves decides who it may let in: a change to it is in the trail like any other.
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Nas):
        ssids = sorted(instance.ssids.values_list("essid", flat=True))
        record(AuditEntry.Action.UPDATE, Nas._meta.label, str(instance.pk), str(instance), None, {"ssids": ssids})
