"""A ballot of a large session through the member's pages: 1,001 items are voted on the web as 2 are.

The performance issue's council session has 1,000 items; a ballot posts one field per item, which
Django's default limit of 1,000 form fields refused (HTTP 400) until the settings raised it. The ballot
page draws its radio buttons itself and reads only the columns it shows: its queries do not grow with
the items.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import council_ballot
from councils.models import Ballot, VoterRecord

pytestmark = pytest.mark.django_db


def member_client(setup) -> Client:
    client = Client()
    client.force_login(setup.voters[2])
    return client


def test_a_member_casts_a_ballot_of_1001_items_through_the_pages():
    setup = council_ballot.build(items=1001, members=3, seed=7)
    client = member_client(setup)
    url = reverse("council_ballot", args=[setup.session.pk])

    page = client.get(url).content.decode()
    assert page.count('<fieldset class="ballot-card') == 1001
    first = setup.item_ids[0]
    assert re.search(rf'<input type="radio" name="item_{first}" value="agree" id="id_item_{first}_0">', page)

    choices = {f"item_{pk}": "agree" for pk in setup.item_ids}
    choices[f"item_{setup.item_ids[-1]}"] = "disagree"
    review = client.post(url, {**choices, "action": "review"})
    assert review.status_code == 200
    assert "Xem lại phiếu trước khi gửi" in review.content.decode()
    confirmed = client.post(url, {**choices, "action": "confirm"})
    assert confirmed.status_code == 302 and confirmed["Location"].endswith("/phieu/da-ghi-nhan/")

    ballot = Ballot.objects.get(session=setup.session)
    assert len(ballot.choices) == 1001 and ballot.choices[str(setup.item_ids[-1])] == "disagree"
    assert VoterRecord.objects.get(session=setup.session, member__user=setup.voters[2]).has_voted


def test_a_changed_ballot_shows_the_member_their_choices_checked():
    setup = council_ballot.build(items=4, members=3, seed=8)
    client = member_client(setup)
    url = reverse("council_ballot", args=[setup.session.pk])
    data = {f"item_{pk}": "abstain" for pk in setup.item_ids}
    client.post(url, {**data, "action": "review"})
    client.post(url, {**data, "action": "confirm"})
    again = client.get(url).content.decode()
    for pk in setup.item_ids:
        assert re.search(rf'name="item_{pk}" value="abstain" id="id_item_{pk}_2" checked', again)
        assert not re.search(rf'name="item_{pk}" value="agree"[^>]*checked', again)


def test_a_refused_choice_is_shown_next_to_its_item():
    setup = council_ballot.build(items=3, members=3, seed=9)
    client = member_client(setup)
    url = reverse("council_ballot", args=[setup.session.pk])
    bad = setup.item_ids[1]
    response = client.post(url, {f"item_{bad}": "maybe", "action": "review"})
    assert response.status_code == 400
    card = re.search(rf'<fieldset class="ballot-card has-error" id="phieu-{bad}">(.*?)</fieldset>',
                     response.content.decode(), re.S)
    assert card and 'class="field-error"' in card.group(1)


def test_the_ballot_page_runs_the_same_queries_for_5_and_60_items():
    counts = []
    for items in (5, 60):
        with transaction.atomic():  # each session in a savepoint rolled back: the builds share unit codes
            setup = council_ballot.build(items=items, members=3, seed=10)
            client = member_client(setup)
            url = reverse("council_ballot", args=[setup.session.pk])
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
            transaction.set_rollback(True)
    assert counts[0] == counts[1]
