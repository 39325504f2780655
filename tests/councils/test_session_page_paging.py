"""The session page of a large agenda shows the items' documents and verdicts 50 a page (``?muc=``), keeps the
other parameters in its links, and runs the same queries for 5 items as for 120 (docs/performance.md: 1,000 items
rendered whole were 1.6 MB)."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import council_ballot
from councils.views.context import DETAILS_PAGE_SIZE

pytestmark = pytest.mark.django_db


def page(setup, user, **params):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("council_session", args=[setup.session.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def positions(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="council-item-position">(\d+)</span>', html)]


def test_the_agenda_details_come_fifty_a_page_with_the_filters_kept():
    setup = council_ballot.build(items=120, members=3, seed=11)
    first = page(setup, setup.secretary)
    assert positions(first) == list(range(1, DETAILS_PAGE_SIZE + 1))
    assert "Trang 1/3" in first and "Đề nghị thứ 1 đến 50 trong 120." in first
    assert '<span class="count">120</span>' in first
    assert "?muc=2#ho-so" in first
    last = page(setup, setup.chair, muc=3, nam="2025")
    assert positions(last) == list(range(101, 121))
    assert "Trang 3/3" in last
    assert "?muc=2&amp;nam=2025#ho-so" in last   # the other parameters stay in the links
    # A page past the end shows the last one; a member of the council sees the same pages.
    assert positions(page(setup, setup.voters[2], muc=9)) == list(range(101, 121))


def test_the_session_page_runs_the_same_queries_for_5_and_120_items():
    counts, sizes = [], []
    for items in (5, 120):
        with transaction.atomic():  # each session in a savepoint rolled back: the builds share unit codes
            setup = council_ballot.build(items=items, members=3, seed=12)
            client = Client()
            client.force_login(setup.secretary)
            url = reverse("council_session", args=[setup.session.pk])
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200
            counts.append(len(captured))
            sizes.append(len(response.content))
            transaction.set_rollback(True)
    assert counts[0] == counts[1]
    # 24 times the items, not 24 times the page: only 50 items are drawn in full.
    assert sizes[1] < sizes[0] * 12
