from django.contrib import admin

from .models import ConfigRevision, GatewayNode, Push


@admin.register(GatewayNode)
class GatewayNodeAdmin(admin.ModelAdmin):
    list_display = ("name", "agent_url", "desired_revision", "applied_revision", "last_heartbeat_at")
    search_fields = ("name", "description")
    readonly_fields = ("desired_revision", "applied_revision", "last_heartbeat_at", "last_heartbeat")

    def save_model(self, request, obj, form, change):
        if not change:
            # Credentials are handed to the agent by `manage.py agent_config`, never shown on a page.
            obj.issue_credentials()
        super().save_model(request, obj, form, change)


@admin.register(ConfigRevision)
class ConfigRevisionAdmin(admin.ModelAdmin):
    list_display = ("node", "number", "created_at", "created_by", "reason", "content_hash")
    list_filter = ("node",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Push)
class PushAdmin(admin.ModelAdmin):
    list_display = ("node", "revision", "started_at", "status")
    list_filter = ("status", "node")

    def has_change_permission(self, request, obj=None):
        return False
