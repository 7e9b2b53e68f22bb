"""A removed device's certificate is revoked, whichever channel removed it (portal, helpdesk, admin, a cascade)."""
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from opsconsole.registration.models import Device

from .issuing import revoke_device_certificates
from .models import RevocationReason


# pre_delete: by post_delete the certificate's device link is already set to NULL.
@receiver(pre_delete, sender=Device, dispatch_uid="certificates-device-removed")
def device_removed(sender, instance: Device, **kwargs) -> None:
    revoke_device_certificates(instance.pk, RevocationReason.DEVICE_REMOVED)
