"""Files of a session: the agenda's dossier documents (scoped to the session) and the minutes PDF."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from councils.services import sessions as svc
from councils.services import voting
from dossiers.models import Attachment
from tests.councils.conftest import make_session, open_session
from tests.councils.test_views_sessions import html_of, published
from tests.factories import PDF_BYTES, DossierFactory, UserFactory, document_type

pytestmark = pytest.mark.django_db


def attach(dossier, user, name="Tờ trình số 12.pdf", nomination=None, code="to_trinh") -> Attachment:
    return Attachment.objects.create(
        dossier=dossier, nomination=nomination, document_type=document_type(code),
        file=ContentFile(PDF_BYTES, name="upload.pdf"), original_name=name, content_type="application/pdf",
        size=len(PDF_BYTES), sha256=hashlib.sha256(PDF_BYTES).hexdigest(), uploaded_by=user,
    )


class TestAgendaDocuments:
    def test_roster_members_download_documents_of_the_agenda(self, client, council, secretary, members, waiting):
        dossier = waiting[0].dossier
        letter = attach(dossier, secretary)
        report = attach(dossier, secretary, name="Báo cáo thành tích.pdf", nomination=waiting[0],
                        code="bao_cao_ca_nhan")
        session = published(council, secretary, waiting[:1])
        client.force_login(members[9])
        html = html_of(client.get(reverse("council_session", args=[session.pk])))
        url = reverse("council_document", args=[session.pk, letter.pk])
        assert url in html and "Tờ trình số 12.pdf" in html
        assert reverse("council_document", args=[session.pk, report.pk]) in html
        assert reverse("attachment_download", args=[letter.pk]) not in html
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert f"filename*=UTF-8''{quote('Tờ trình số 12.pdf', safe='')}" in response["Content-Disposition"]
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF_BYTES

    def test_out_of_scope_documents_are_not_found(self, client, council, secretary, members, waiting, clerk,
                                                  ha_specialist, province):
        session = published(council, secretary, waiting[:1])
        on_agenda = attach(waiting[0].dossier, secretary)
        elsewhere = attach(DossierFactory(unit=waiting[0].dossier.unit, state="awaiting_council"), secretary)
        not_on_agenda = attach(waiting[2].dossier, secretary)    # waiting, but on no agenda of this session
        client.force_login(members[9])
        assert client.get(reverse("council_document", args=[session.pk, elsewhere.pk])).status_code == 404
        assert client.get(reverse("council_document", args=[session.pk, not_on_agenda.pk])).status_code == 404
        assert client.get(reverse("council_document", args=[session.pk, 999999])).status_code == 404
        # Home Affairs staff read them; a unit clerk does not, nor a council member of another session.
        client.force_login(ha_specialist)
        assert client.get(reverse("council_document", args=[session.pk, on_agenda.pk])).status_code == 200
        client.force_login(clerk)
        assert client.get(reverse("council_document", args=[session.pk, on_agenda.pk])).status_code == 404
        stranger = UserFactory(unit=clerk.unit, roles=["council_member"], username="khach")
        client.force_login(stranger)
        assert client.get(reverse("council_document", args=[session.pk, on_agenda.pk])).status_code == 404
        # Another session's id with this session's document: not found either.
        other = make_session(council, secretary, waiting[2:3])
        svc.publish_agenda(actor=secretary, session=other)
        client.force_login(members[9])
        assert client.get(reverse("council_document", args=[other.pk, on_agenda.pk])).status_code == 404


class TestMinutes:
    def test_minutes_pdf_from_the_counted_results(self, client, council, secretary, chair, members, waiting):
        pypdf = pytest.importorskip("pypdf")
        session = open_session(council, secretary, waiting[:2], members, present=13)
        for user in members[:13]:
            voting.cast_ballot(actor=user, session=session, choices={str(i.pk): "agree" for i in session.items.all()})
        client.force_login(members[6])
        url = reverse("council_minutes", args=[session.pk])
        assert client.get(url).status_code == 404       # nothing to print while voting
        assert url not in html_of(client.get(reverse("council_session", args=[session.pk])))
        svc.close_voting(actor=secretary, session=session)
        page = html_of(client.get(reverse("council_session", args=[session.pk])))
        assert url in page and "Tải biên bản (PDF)" in page and "bản dự thảo" in page
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(b"%PDF")
        text = " ".join(sheet.extract_text() for sheet in pypdf.PdfReader(io.BytesIO(response.content)).pages)
        assert session.title in " ".join(text.split())
        assert "Nguyễn Thị Thu Hà" in text

    def test_clerk_and_other_provinces_get_no_minutes(self, client, council, secretary, members, waiting, clerk):
        session = open_session(council, secretary, waiting[:1], members, present=13)
        svc.close_voting(actor=secretary, session=session)
        client.force_login(clerk)
        assert client.get(reverse("council_minutes", args=[session.pk])).status_code == 404
