"""Helpers shared by the API tests."""

from dossiers.services.attachments import upload_attachment
from dossiers.services.dossiers import add_nomination
from tests.factories import PersonFactory, award, document_type, pdf_upload


def url(path: str) -> str:
    return f"/api/v1/{path.lstrip('/')}"


def complete(dossier, actor, name="Nguyễn Văn An"):
    """Give ``dossier`` one BK_TINH_CN nomination and every document it needs (through the services)."""
    person = PersonFactory(unit=dossier.unit, full_name=name)
    nomination = add_nomination(actor=actor, dossier=dossier, award_type=award("BK_TINH_CN"),
                                achievement_summary="Hoàn thành xuất sắc nhiệm vụ.", person=person)
    for code, target in (("to_trinh", None), ("bien_ban_hop", None), ("bao_cao_ca_nhan", nomination)):
        upload_attachment(actor=actor, dossier=dossier, document_type=document_type(code),
                          uploaded_file=pdf_upload(), nomination=target)
    return nomination


def assert_error(response, status: int, code: str):
    """The one error body: code, a message, a list of errors."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list)
    return body
