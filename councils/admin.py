"""Admin: the council and its members are data; sessions and votes change only through the services."""

from django.contrib import admin

from councils.models import Council, CouncilMembership, CouncilSession
from dossiers.admin import AuditedAdmin, ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = CouncilMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Council)
class CouncilAdmin(AuditedAdmin):
    list_display = ("name", "province", "issuer_code")
    inlines = [MembershipInline]


@admin.register(CouncilSession)
class CouncilSessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "date", "state", "secret", "mode", "minutes_number")
    list_filter = ("state", "mode", "secret")
