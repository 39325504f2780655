"""What every page's navigation needs about the signed-in user."""

from dossiers.models.users import HA_ROLES, PROVINCE_READ_ROLES, UNIT_ROLES, Role

# Who sees "Hội đồng" (the council sessions) in the navigation: council roles and Home Affairs staff.
COUNCIL_NAV_ROLES = frozenset({Role.COUNCIL_SECRETARY, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}) | HA_ROLES


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user.roles
    return {
        "nav_roles": roles,
        "nav_is_unit_user": bool(roles & UNIT_ROLES),
        "nav_is_ha": bool(roles & HA_ROLES),
        "nav_is_council": bool(roles & COUNCIL_NAV_ROLES),
        "nav_reads_province": bool(roles & PROVINCE_READ_ROLES),
        "nav_is_clerk": Role.UNIT_CLERK in roles,
        "nav_is_head": Role.UNIT_HEAD in roles,
        "nav_role_labels": [label for value, label in Role.choices if value in roles],
    }
