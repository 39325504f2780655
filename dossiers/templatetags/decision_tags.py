"""Template tags of the decision pages.

    {% load decision_tags %}
    {{ item.cash_amount|money }}      7020000 -> "7.020.000"
    {% decision_work_summary %}       on the home page: drafts and decisions waiting for the signed-in user
"""

from __future__ import annotations

from django import template

from dossiers.documents.formatting import money
from dossiers.models import DecisionState

register = template.Library()
register.filter("money", money)


@register.inclusion_tag("decisions/includes/home_summary.html", takes_context=True)
def decision_work_summary(context):
    """What waits in the decision stage for Home Affairs and the signer (one or two queries)."""
    from dossiers import selectors_decisions as sel

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (sel.is_ha(user) or sel.is_signer(user)):
        return {"show": False}
    counts = sel.state_counts(user)
    ready = sel.pool(province=user.unit.province).count() if sel.is_ha(user) else 0
    return {"show": True, "is_ha": sel.is_ha(user), "is_signer": sel.is_signer(user), "ready": ready,
            "drafts": counts[DecisionState.DRAFT], "checked": counts[DecisionState.CHECKED]}
