from django.contrib import admin

from .models import Device, DhcpService, Participant, RegistrationSettings

admin.site.register([Participant, Device, DhcpService, RegistrationSettings])
