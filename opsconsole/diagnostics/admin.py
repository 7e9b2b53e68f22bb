from django.contrib import admin

from .models import EventDomain, ReverseDnsService

admin.site.register([EventDomain, ReverseDnsService])
