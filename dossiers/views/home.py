"""Home: what is waiting for the signed-in user.

Home Affairs' work list counts come from the ``workflows`` template tags
(``ha_work_summary``): this app never imports ``workflows``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import render

from dossiers import permissions, selectors
from dossiers.models import DossierState, SupplementRequest
from dossiers.models.users import HA_ROLES, Role

HOME_LIMIT = 50


@login_required
def home(request):
    user = request.user
    roles = user.roles
    sections = []
    if roles & {Role.UNIT_CLERK, Role.UNIT_HEAD}:
        acting = permissions.acting_unit_ids(user)
        # A returned dossier shows the due date of its latest supplement request (one subquery, no query per row).
        latest_due = SupplementRequest.objects.filter(dossier=OuterRef("pk")).order_by("-number").values("due_on")[:1]
        mine = selectors.dossier_list(user=user).filter(unit_id__in=acting).annotate(
            supplement_due_on=Subquery(latest_due)
        )
        if Role.UNIT_CLERK in roles:
            sections.append({
                "key": "clerk",
                "rows": list(mine.filter(state__in=[DossierState.DRAFT, DossierState.RETURNED])[:HOME_LIMIT]),
            })
        if Role.UNIT_HEAD in roles:
            sections.append({
                "key": "head",
                "rows": list(
                    mine.filter(state__in=[DossierState.DRAFT, DossierState.RETURNED], prepared_at__isnull=False)
                    [:HOME_LIMIT]
                ),
            })
    if roles & HA_ROLES:
        sections.append({
            "key": "ha",
            "rows": list(
                selectors.dossier_list(user=user).filter(state=DossierState.SUBMITTED)
                .order_by("submitted_at", "id")[:HOME_LIMIT]
            ),
        })
    return render(request, "dossiers/home.html", {"sections": sections, "limit": HOME_LIMIT})
