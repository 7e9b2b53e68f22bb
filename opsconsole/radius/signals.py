"""Keeps RADIUS nodes' intents in step with the NAS inventory: clients and the secrets version live in the intent;
and ends the sessions of a device removed or of a certificate revoked (RFC 5176 Disconnect), whichever channel did it.

Registrations need nothing here: FreeRADIUS reads them through the database views the moment they commit.
"""
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from opsconsole.audit.models import AuditEntry
from opsconsole.audit.trail import record
from opsconsole.certificates.models import IssuedCertificate, RevocationReason
from opsconsole.nodes.revisions import mark_nodes_dirty
from opsconsole.registration.models import Device

from .disconnects import disconnect_sessions
from .intents import radius_nodes
from .models import DisconnectRequest, Nas, RadiusService


@receiver(post_save, sender=Nas, dispatch_uid="radius-nas-saved")
@receiver(post_delete, sender=Nas, dispatch_uid="radius-nas-deleted")
def nas_changed(sender, raw: bool = False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(lambda: mark_nodes_dirty(radius_nodes(), "NAS inventory changed"))


@receiver(post_save, sender=RadiusService, dispatch_uid="radius-service-saved")
def radius_service_changed(sender, instance: RadiusService, raw: bool = False, **kwargs) -> None:
    if not raw:
        transaction.on_commit(lambda: mark_nodes_dirty([instance.node_id], "RADIUS service changed"))


@receiver(post_save, sender=IssuedCertificate, dispatch_uid="radius-certificate-revoked-new-crl")
def certificate_revoked_new_crl(sender, instance: IssuedCertificate, raw: bool = False, **kwargs) -> None:
    # The new CRL reaches FreeRADIUS with the node's next intent (its secrets version), before the next login.
    if not raw and instance.revoked_at is not None:
        transaction.on_commit(lambda: mark_nodes_dirty(radius_nodes(), "certificate revoked"))


@receiver(m2m_changed, sender=Nas.ssids.through, dispatch_uid="radius-nas-ssids")
def nas_ssids_changed(sender, instance, action: str, **kwargs) -> None:
    # Which SSIDs a NAS serves decides who it may let in: a change to it is in the trail like any other.
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Nas):
        ssids = sorted(instance.ssids.values_list("essid", flat=True))
        record(AuditEntry.Action.UPDATE, Nas._meta.label, str(instance.pk), str(instance), None, {"ssids": ssids})


@receiver(pre_delete, sender=Device, dispatch_uid="radius-device-removed")
def device_removed(sender, instance: Device, **kwargs) -> None:
    disconnect_sessions([instance.mac], DisconnectRequest.Trigger.DEVICE_REMOVED)


@receiver(post_save, sender=IssuedCertificate, dispatch_uid="radius-certificate-revoked-disconnect")
def certificate_revoked_disconnect(sender, instance: IssuedCertificate, update_fields=None, raw: bool = False, **kwargs) -> None:
    # A removal or an event's end revokes too; those disconnect under their own name (above, and the beat task).
    requested = instance.revocation_reason in (RevocationReason.REQUESTED, RevocationReason.REISSUED)
    if not raw and requested and update_fields and "revoked_at" in update_fields and instance.device_mac:
        disconnect_sessions([instance.device_mac], DisconnectRequest.Trigger.CERTIFICATE_REVOKED)
