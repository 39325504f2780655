"""What the councils app hands to the dossiers app's exports (registered in ``CouncilsConfig.ready``).

``signed_minutes`` gives the central export package the minutes of every
session that voted on its nominations: only signed minutes (a finalised
session, numbered BB-HĐTĐKT), since a draft is no record to send to the Ministry.
"""

from __future__ import annotations

from councils.minutes import minutes_context
from councils.models import AgendaItem, ItemResult, SessionState
from councils.views.documents import minutes_filename
from dossiers.documents.council_minutes import MinutesDocument
from dossiers.documents.render import render_pdf


def signed_minutes(nomination_ids: list[int]) -> list[MinutesDocument]:
    items = (AgendaItem.objects.filter(nomination_id__in=nomination_ids, session__state=SessionState.FINALISED,
                                       result__in=[ItemResult.PASSED, ItemResult.FAILED])
             .select_related("session").order_by("session__date", "session_id", "position", "id"))
    sessions: dict[int, tuple] = {}
    for item in items:
        sessions.setdefault(item.session_id, (item.session, []))[1].append(item.nomination_id)
    return [
        MinutesDocument(number=session.minutes_number, date=session.minutes_date, session_date=session.date,
                        title=session.title, filename=minutes_filename(session),
                        content=render_pdf("documents/council_minutes.html", minutes_context(session)),
                        nomination_ids=tuple(voted))
        for session, voted in sessions.values()
    ]
