"""Template tags that show the councils on pages of other apps.

``dossiers`` never imports ``councils`` (dependencies point one way); its
templates load this library instead:

    {% load council_tags %}
    {% council_voting_hint %}   sessions with voting open whose roster holds the user (home page)
"""

from __future__ import annotations

from django import template
from django.db.models import Exists, OuterRef, Subquery

from councils.models import CouncilSession, SessionMember, SessionState, VoterRecord, VotingMode
from dossiers.models import Role

register = template.Library()

# Roster members hold one of these roles; other users are spared the query.
ROSTER_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR, Role.COUNCIL_SECRETARY})


@register.inclusion_tag("councils/includes/voting_hint.html", takes_context=True)
def council_voting_hint(context):
    """Open votes for the signed-in user, each with whether they have voted: one query whatever their number."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.roles & ROSTER_ROLES:
        return {"sessions": []}
    mine = SessionMember.objects.filter(session=OuterRef("pk"), user=user)
    voted = VoterRecord.objects.filter(session=OuterRef("pk"), member__user=user, has_voted=True)
    sessions = list(
        CouncilSession.objects.filter(state=SessionState.VOTING_OPEN, mode=VotingMode.ELECTRONIC,
                                      pk__in=mine.filter(votes=True).values("session_id"))
        .annotate(present=Subquery(mine.values("present")[:1]), voted=Exists(voted)).order_by("date", "id")
    )
    return {"sessions": sessions}
