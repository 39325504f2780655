"""A secret ballot through the API: no response but the caller's own ballot ever carries a choice.

Every GET endpoint the council API has (and the ones beside it that the
council touches: notifications, the dossiers' history) is walked by every
member, the secretary, the chair and a Home Affairs reader, while voting is
open, after it closed (the vote tables rewritten) and after the results were
confirmed. A choice ("agree", "disagree", "abstain", or its Vietnamese label)
may appear only in the caller's own ``GET .../ballot/``, found with their
receipt, and there it must be exactly what they chose.
"""

from __future__ import annotations

import json

import pytest

from councils.models import Choice
from tests.api.helpers import url
from tests.councils import conftest as council_fixtures
from tests.factories import pdf_upload

office = council_fixtures.office
council = council_fixtures.council
chair = council_fixtures.chair
secretary = council_fixtures.secretary
members = council_fixtures.members
waiting = council_fixtures.waiting
open_session = council_fixtures.open_session

CHOICE_TEXTS = set(Choice.values) | {str(label) for label in Choice.labels}


def strings_in(value):
    """Every string value in a JSON document (a choice is a value: totals use "agree" only as a key)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, str):
        yield value


def choice_texts_in(body) -> set[str]:
    return {text for text in strings_in(body) if text.strip() in CHOICE_TEXTS}


def pattern(index: int, position: int) -> str:
    """Each member's own pattern: no two members vote alike."""
    return ("agree", "disagree", "abstain")[(index + position * (index % 4 + 1)) % 3]


@pytest.fixture
def reader(ha_unit):
    from tests.factories import UserFactory

    return UserFactory(unit=ha_unit, roles=["ha_specialist"], username="chuyenvien_hd")


@pytest.fixture
def voted(api, council, secretary, waiting, members):
    """A secret electronic session: 13 present members voted, one absent member's written opinion entered."""
    session = open_session(council, secretary, waiting, members, present=13)
    items = list(session.items.order_by("position"))
    ballots = {}
    for index, user in enumerate(members[:13]):
        choices = {str(item.pk): pattern(index, item.position) for item in items}
        response = api(user).post(url(f"council-sessions/{session.pk}/ballot/"), {"choices": choices}, format="json")
        assert response.status_code == 201, response.content
        ballots[user.pk] = (response.json()["receipt"], choices)
    response = api(secretary).post(url(f"council-sessions/{session.pk}/written-opinions/"), {
        "member": members[13].pk, "choices": json.dumps({str(item.pk): "disagree" for item in items}),
        "scan": pdf_upload("y-kien.pdf")}, format="multipart")
    assert response.status_code == 201, response.content
    assert choice_texts_in(response.json()) == set()
    return session, ballots


def get_paths(session, dossier_ids) -> list[str]:
    base = f"council-sessions/{session.pk}/"
    return ["council-sessions/", base, f"{base}agenda/", f"{base}pool/", f"{base}quorum/", f"{base}progress/",
            "notifications/", *[f"dossiers/{pk}/history/" for pk in dossier_ids], *[f"dossiers/{pk}/" for pk in dossier_ids]]


def walk(api, session, users, ballots, dossier_ids):
    for user in users:
        client = api(user)
        for path in get_paths(session, dossier_ids):
            response = client.get(url(path))
            assert response.status_code in (200, 403, 404), (path, response.status_code)
            leaked = choice_texts_in(response.json())
            assert not leaked, f"{user.username} GET {path} shows choices: {leaked}"
        # The PDF minutes: totals only (their data is checked in test_minutes_carry_totals_only).
        response = client.get(url(f"council-sessions/{session.pk}/minutes.pdf"))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        # The ballot endpoint: without a receipt, nothing; with their own, exactly their own choices.
        ballot_path = url(f"council-sessions/{session.pk}/ballot/")
        response = client.get(ballot_path)
        assert response.status_code in (400, 403), response.content
        assert not choice_texts_in(response.json())
        if user.pk in ballots:
            receipt, choices = ballots[user.pk]
            response = client.get(ballot_path, HTTP_X_BALLOT_RECEIPT=receipt)
            assert response.status_code == 200, response.content
            assert response.json() == {"choices": choices}


def test_no_response_carries_another_members_choices(api, voted, secretary, chair, members, reader, waiting):
    session, ballots = voted
    callers = [*members, reader]
    dossier_ids = sorted({n.dossier_id for n in waiting})
    walk(api, session, callers, ballots, dossier_ids)

    response = api(secretary).post(url(f"council-sessions/{session.pk}/close-voting/"))
    assert response.status_code == 200 and not choice_texts_in(response.json())
    walk(api, session, callers, ballots, dossier_ids)

    response = api(chair).post(url(f"council-sessions/{session.pk}/confirm/"))
    assert response.status_code == 200 and not choice_texts_in(response.json())
    walk(api, session, callers, ballots, dossier_ids)


def test_minutes_carry_totals_only(voted, secretary):
    from councils.minutes import minutes_context

    session, _ballots = voted
    council_fixtures.svc.close_voting(actor=secretary, session=session)
    context = minutes_context(session)
    assert not choice_texts_in(json.loads(json.dumps(context, default=str)))
    assert [row["agree"] for row in context["items"]] == [
        sum(1 for index in range(13) if pattern(index, position) == "agree") for position in (1, 2, 3, 4)]


def test_ballot_responses_never_name_the_choices_of_others(api, voted, members):
    session, ballots = voted
    # The receipt is the only key to a secret ballot: a made-up one finds nothing, and
    # the POST answers carry a receipt, never choices.
    response = api(members[4]).get(url(f"council-sessions/{session.pk}/ballot/"),
                                   HTTP_X_BALLOT_RECEIPT="AAAA-BBBB-CCCC-DDDD")
    assert response.status_code == 404 and response.json()["code"] == "ballot_not_found"
    receipt, choices = ballots[members[4].pk]
    changed = dict.fromkeys(choices, "abstain")
    response = api(members[4]).post(url(f"council-sessions/{session.pk}/ballot/"),
                                    {"choices": changed, "receipt": receipt}, format="json")
    assert response.status_code == 200 and response.json() == {"receipt": receipt}
