"""The demo data that bin/demo loads: complete, consistent, built through the services."""

import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dossiers.files import PDF, detect
from dossiers.models import (
    Attachment,
    AuditEvent,
    AwardRecord,
    Dossier,
    DossierState,
    Person,
    Province,
    Role,
    Unit,
    User,
)
from dossiers.selectors import people_of_units
from dossiers.services.audit import verify_chain
from workflows.demo import PASSWORD, DemoDataExists, build_demo, format_logins, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins():
    started = time.monotonic()
    rows = build_demo()
    assert time.monotonic() - started < 20
    return rows


def test_a_login_for_every_role(logins):
    labels = {str(role.label): role.value for role in Role}
    assert {labels[label] for _, _, label, _ in logins} == set(Role.values)
    for username, password, _, unit in logins:
        user = User.objects.get(username=username)
        assert password == PASSWORD and len(password) >= 10
        assert user.check_password(password)
        assert user.unit.name == unit
    assert User.objects.get(username="canbo.stc").get_full_name() == "Lò Thị Hương"  # Vietnamese name order
    admin = User.objects.get(groups__name=Role.ADMINISTRATOR)
    assert admin.is_staff and admin.is_superuser
    # A second clerk/head pair in another unit shows scoping.
    clerk_units = set(User.objects.filter(groups__name=Role.UNIT_CLERK).values_list("unit__code", flat=True))
    head_units = set(User.objects.filter(groups__name=Role.UNIT_HEAD).values_list("unit__code", flat=True))
    assert len(clerk_units) == 2 and clerk_units == head_units


def test_dossiers_in_several_states_with_attachments(logins):
    states = set(Dossier.objects.filter(year=2026).values_list("state", flat=True))
    assert {DossierState.DRAFT, DossierState.SUBMITTED, DossierState.RETURNED, DossierState.WITHDRAWN,
            DossierState.UNDER_REVIEW, DossierState.PUBLIC_NOTICE, DossierState.IN_COUNCIL,
            DossierState.AWAITING_DECISION, DossierState.REJECTED, DossierState.CLOSED} <= states
    returned = Dossier.objects.get(state=DossierState.RETURNED)
    assert returned.return_reason and returned.return_count == 1
    assert Dossier.objects.filter(state=DossierState.DRAFT, prepared_at__isnull=False).exists()
    attachment = Attachment.objects.first()
    assert attachment is not None
    with attachment.file.open("rb") as fh:
        assert detect(fh) == PDF


def test_every_change_is_audited_and_the_chain_holds(logins):
    assert verify_chain() == []
    for dossier in Dossier.objects.all():
        actions = set(AuditEvent.objects.filter(dossier_id_ref=dossier.pk).values_list("action", flat=True))
        assert {"dossier.created", "nomination.added", "attachment.uploaded"} <= actions
    assert AuditEvent.objects.filter(action="dossier.returned").count() == 1
    assert AuditEvent.objects.filter(action="unit.merged").count() == 2


def test_province_units_and_merges(logins):
    province = Province.objects.get(code="LCH")
    assert province.home_affairs_unit.name == "Sở Nội vụ"
    finance = Unit.objects.get(name="Sở Tài chính")
    planning = Unit.objects.get(name="Sở Kế hoạch và Đầu tư")
    assert planning.successor == finance and str(planning.merged_on) == "2025-03-01"
    assert Unit.objects.filter(kind="district").count() == 8
    commune = Unit.objects.get(name="Xã Bản Giang")
    assert commune.path.startswith(commune.parent.path)
    # The merged department's people and history stay reachable from its successor.
    clerk = User.objects.get(username="canbo.stc")
    assert people_of_units(user=clerk).filter(unit=planning).exists()


def test_history_makes_eligibility_matter(logins):
    def titles(name, code):
        return sorted(AwardRecord.objects.filter(person__full_name=name, award_code=code)
                      .values_list("year", flat=True))

    assert titles("Nguyễn Thị Thu Hà", "CSTD_CS")[-3:] == [2024, 2025, 2026]
    assert titles("Lê Văn Minh", "CSTD_CS") == [2023, 2025, 2026]  # a gap: not three in a row
    assert Person.objects.get(full_name="Trần Quốc Bảo").disciplinerecords.exists()
    assert AwardRecord.objects.filter(collective__isnull=False, award_code="TTLDXS").exists()
    # imported history, plus the award the demo's signed decision wrote
    assert set(AwardRecord.objects.values_list("source", flat=True)) == {"import", "system"}
    assert AwardRecord.objects.get(source="system").person.full_name == "Lò Thị Hoa"


def test_refuses_to_build_twice(logins):
    with pytest.raises(DemoDataExists, match="bin/demo --reset"):
        build_demo()
    assert Province.objects.filter(code="LCH").count() == 1


def test_command_if_empty_and_logins(logins, capsys):
    call_command("load_demo", "--if-empty")
    assert "đã có" in capsys.readouterr().out
    call_command("load_demo", "--logins")
    out = capsys.readouterr().out
    assert "canbo.stc" in out and PASSWORD in out
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_command_on_empty_database(capsys):
    call_command("load_demo")
    assert "LaiChau@2024" in capsys.readouterr().out
    assert Dossier.objects.count() == 13


def test_format_logins_aligns_columns():
    table = format_logins([("a", PASSWORD, "Vai trò", "Sở Nội vụ"), ("bbbbbb", PASSWORD, "X", "Y")])
    lines = table.splitlines()
    assert lines[0].startswith("Tên đăng nhập") and set(lines[1]) <= {"-", " "}
    assert lines[2].index(PASSWORD) == lines[3].index(PASSWORD)


def test_make_pdf_is_a_pdf():
    import io

    content = make_pdf("Tờ trình (số 01)", "Nguyễn Thị Thu Hà")
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    assert detect(io.BytesIO(content)) == PDF


def test_review_tasks_waiting_in_each_queue(logins):
    """The demo shows every queue: intake, appraisal, approval, feedback, and the waiting points."""
    from workflows.services import active_task

    nodes = set()
    for dossier in Dossier.objects.all():
        for node in ("intake", "appraisal", "approval", "await_supplement", "await_council", "await_decision"):
            if active_task(dossier, node):
                nodes.add(node)
    assert nodes == {"intake", "appraisal", "approval", "await_supplement", "await_council", "await_decision"}
    from dossiers.models import PublicFeedback

    assert PublicFeedback.objects.filter(status="open").count() == 1


def test_council_with_a_published_agenda(logins):
    from councils.models import CouncilSession

    session = CouncilSession.objects.get(state="agenda_published")
    assert session.members.count() == 5
    assert session.items.get().nomination.award_type.code == "CSTD_TINH"


def test_a_central_submission_with_the_ministry(logins):
    """The Prime Minister's certificate went through the council and the decision; the Ministry has it."""
    from dossiers.models import CentralSubmission

    submission = CentralSubmission.objects.get()
    assert submission.state == "received" and submission.number.endswith("/TTr-UBND")
    item = submission.items.select_related("nomination__award_type", "nomination__person").get()
    assert (item.nomination.person.full_name, item.nomination.award_type.code) == ("Đặng Văn Tùng", "BK_TTG_CN")
    assert item.nomination.dossier.state == "forwarded"
    assert verify_chain() == []
