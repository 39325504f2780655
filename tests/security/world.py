"""One fixture world for the authorisation matrix: the demo province, plus strangers and markers.

The demo province (``workflows.demo.build_demo``, built through the services)
already holds two proposing units with a clerk and a head each (Sở Tài chính,
Huyện Tam Đường), a dossier in nearly every state, a public notice with a
citizen's comment, a signed decision and one awaiting signature, a council with
a published agenda and a voted session, and a central submission. On top of it:

- a draft decision (the last nominee left in the pool), a certificate layout,
  a central submission returned by the Ministry with a supplementary document,
  an eligibility check on the dossier under appraisal, generated PDFs of every
  kind (so the matrix reads them from the cache instead of rendering);
- strangers: for every role a user who holds the role but not the scope: the
  unit roles in a third unit of the same province (Sở Y tế, no dossiers), the
  council member in the same province but on no roster, every other role in
  another province; and a signed-in user without any role;
- markers: every dossier title and achievement summary carries a token
  ``[MK-D<n>]`` / ``[MK-N<n>]`` (ASCII, so it survives HTML and JSON escaping
  and PDF text extraction), so a response can be searched for data it must not
  carry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from dossiers.models import (
    Dossier,
    DossierState,
    EligibilityOverride,
    EligibilityVerdict,
    Nomination,
    Province,
    Role,
    Unit,
    User,
)

OWN_UNIT, OTHER_UNIT = "STC", "HTD"  # the demo's two proposing units
VOTED_MEMBER = "uyvien2.hd"  # has voted (disagree on every item) in the open session; "uyvien.hd" has not
ANONYMOUS = "anonymous"
NO_ROLE = "no_role"
ROLES = tuple(Role.values)
UNIT_ROLE_NAMES = (Role.UNIT_CLERK.value, Role.UNIT_HEAD.value)

# The demo account holding each role (unit roles: per unit).
DEMO_ACCOUNTS = {
    Role.HA_SPECIALIST: "chuyenvien.snv", Role.HA_LEAD: "lanhdao.snv", Role.COUNCIL_SECRETARY: "thuky.hd",
    Role.COUNCIL_MEMBER: "uyvien.hd", Role.COUNCIL_CHAIR: "chutich.hd", Role.SIGNER: "ky.ubnd",
    Role.CENTRAL_LIAISON: "lienhe.tw", Role.AUDITOR: "kiemtra", Role.ADMINISTRATOR: "quantri",
}
UNIT_ACCOUNTS = {
    "STC": {Role.UNIT_CLERK: "canbo.stc", Role.UNIT_HEAD: "thutruong.stc"},
    "HTD": {Role.UNIT_CLERK: "canbo.tamduong", Role.UNIT_HEAD: "thutruong.tamduong"},
}


@dataclass
class World:
    province: Province
    units: dict[str, Unit]
    dossiers: list[Dossier]          # the demo's, in creation order (index 0 = HS-...-00001)
    objects: dict[str, object]       # named objects the URL bindings use
    users: dict[str, User]           # principal key -> user ("unit_clerk", "unit_clerk@STC", "ha_lead@other", ...)
    sessions: dict[str, str] = field(default_factory=dict)  # username -> session key
    tokens: dict[str, str] = field(default_factory=dict)    # username -> API token
    markers: dict[str, str] = field(default_factory=dict)   # marker -> "draft:<unit>" | "unit:<unit>" | "public"

    def own(self, role: str, unit_code: str = OWN_UNIT) -> User:
        if role in UNIT_ROLE_NAMES:
            return self.users[f"{role}@{unit_code}"]
        return self.users[role]

    def stranger(self, role: str) -> User:
        return self.users[f"{role}@other"]


def _mark(world_markers: dict, dossiers: list[Dossier], public_ids: set[int]) -> None:
    """Give every demo dossier and nomination a searchable token (test data only: direct updates)."""
    for index, dossier in enumerate(dossiers, start=1):
        unit_code = dossier.unit.code if dossier.unit.code in UNIT_ACCOUNTS else (
            "STC" if dossier.unit.successor_id and dossier.unit.successor.code == "STC" else dossier.unit.code)
        if dossier.pk in public_ids:
            scope = "public"
        elif dossier.state == DossierState.DRAFT:
            scope = f"draft:{unit_code}"
        else:
            scope = f"unit:{unit_code}"
        token = f"[MK-D{index:02d}]"
        Dossier.objects.filter(pk=dossier.pk).update(title=f"{dossier.title} {token}")
        world_markers[token] = scope
        for nomination in Nomination.objects.filter(dossier=dossier).order_by("pk"):
            token = f"[MK-N{nomination.pk:03d}]"
            Nomination.objects.filter(pk=nomination.pk).update(
                achievement_summary=f"{nomination.achievement_summary} {token}")
            world_markers[token] = scope


def _pdf(name="tai-lieu.pdf") -> SimpleUploadedFile:
    from workflows.demo import make_pdf

    return SimpleUploadedFile(name, make_pdf("Tài liệu bổ sung"), content_type="application/pdf")


def build_world() -> World:
    from councils.models import CouncilSession
    from councils.services import sessions as council_services
    from councils.services import voting
    from dossiers.documents import official, store
    from dossiers.models import CentralSubmission, CertificateLayout, Decision, DecisionState, GeneratedDocument
    from dossiers.services import central, decisions
    from dossiers.services.decisions import ready_for_decision
    from dossiers.services.eligibility import check_eligibility
    from tests.factories import ProvinceFactory, UnitFactory, UserFactory
    from workflows.demo import build_demo

    build_demo()
    province = Province.objects.get(code="LCH")
    units = {unit.code: unit for unit in Unit.objects.filter(province=province)}
    users: dict[str, User] = {}
    for role, username in DEMO_ACCOUNTS.items():
        users[str(role)] = User.objects.get(username=username)
    for unit_code, accounts in UNIT_ACCOUNTS.items():
        for role, username in accounts.items():
            users[f"{role}@{unit_code}"] = User.objects.get(username=username)

    # Strangers: the role without the scope.
    health = UnitFactory(province=province, name="Sở Y tế", code="SYT")
    elsewhere = UnitFactory(province=ProvinceFactory(code="DBN", name="Tỉnh Điện Biên", place_name="Điện Biên"),
                            name="Sở Nội vụ tỉnh Điện Biên", code="DBN-SNV")
    for role in ROLES:
        if role in UNIT_ROLE_NAMES:
            unit = health
        elif role == Role.COUNCIL_MEMBER:
            unit = units["SNV"]  # same province, on no council roster
        else:
            unit = elsewhere
        users[f"{role}@other"] = UserFactory(unit=unit, roles=[role], username=f"la.{role}",
                                             signer_capacity="chairman" if role == Role.SIGNER else "")
    users[NO_ROLE] = UserFactory(unit=units["STC"], roles=[], username="la.no_role")

    dossiers = list(Dossier.objects.filter(unit__province=province).select_related("unit", "unit__successor")
                    .order_by("pk"))
    lead, specialist, liaison = (users[str(r)] for r in (Role.HA_LEAD, Role.HA_SPECIALIST, Role.CENTRAL_LIAISON))
    signed = Decision.objects.get(province=province, state=DecisionState.SIGNED, items__isnull=False,
                                  title__contains="cá nhân có thành tích năm")
    pending = Decision.objects.get(province=province, state=DecisionState.CHECKED)
    draft = decisions.create_decision(actor=specialist, province=province, title="Về việc khen thưởng (dự thảo)",
                                      nominations=list(ready_for_decision(province=province)))
    layout = CertificateLayout.objects.create(province=province, name="Mẫu in thử", is_default=True)
    # The Ministry returns the submission; Home Affairs adds the document it asked for.
    submission = CentralSubmission.objects.get(province=province)
    today = datetime.date.today()
    central.record_returned(actor=liaison, submission=submission, returned_on=today,
                            reason="Bổ sung xác nhận của cơ quan thuế.")
    submission.refresh_from_db()
    central_attachment = central.add_central_attachment(actor=liaison, submission=submission,
                                                        label="Xác nhận của cơ quan thuế", uploaded_file=_pdf())
    # Under appraisal (HS-...-00006): the specialist ran the eligibility check.
    appraised = dossiers[5]
    check_eligibility(actor=specialist, dossier=appraised)
    # A written exception on its last criterion (test data: made directly, whatever the criterion's result).
    last = EligibilityVerdict.objects.filter(nomination__dossier=appraised).order_by("-pk").first()
    EligibilityOverride.objects.create(verdict=last, reason="Đã đối chiếu bản gốc.", created_by=specialist)

    # Markers before any PDF is made, so the PDFs carry them too.
    public_ids = {d.pk for d in dossiers if d.state in (DossierState.PUBLIC_NOTICE, DossierState.DECIDED)
                  or d.nominations.filter(outcome__in=("awarded", "forwarded", "granted")).exists()}
    markers: dict[str, str] = {}
    _mark(markers, dossiers, public_ids)
    for dossier in dossiers:
        dossier.refresh_from_db()

    # The demo's published session goes on to an open (secret) vote, in which one member has voted.
    session = CouncilSession.objects.get(council__province=province, state="agenda_published")
    session_voted = CouncilSession.objects.exclude(pk=session.pk).get(council__province=province)
    secretary = users[str(Role.COUNCIL_SECRETARY)]
    council_services.start_session(actor=secretary, session=session)
    voters = [member.user_id for member in session.members.all() if member.votes]
    council_services.record_attendance(actor=secretary, session=session, present_user_ids=voters)
    council_services.open_voting(actor=secretary, session=session)
    voter = User.objects.get(username=VOTED_MEMBER)
    receipt = voting.cast_ballot(actor=voter, session=session,
                                 choices={str(item.pk): "disagree" for item in session.items.all()})
    objects = {
        "ballot_receipt": receipt, "signed_decision": signed, "pending_decision": pending, "draft_decision": draft,
        "certificate_layout": layout, "central_submission": submission,
        "central_attachment": central_attachment, "session": session, "voted_session": session_voted,
    }
    # Every kind of official document, made once (served from the cache by the matrix).
    documents = {}
    sources = {
        "decision": signed, "ha-submission": pending, "certificates": signed,
        "central-submission": submission, "public-notice": dossiers[8].public_notice,
        "proposal-letter": dossiers[2], "achievement-report": dossiers[2].nominations.order_by("pk").first(),
    }
    for kind, obj in sources.items():
        prepared = official.prepare(kind, obj, **official.get_kind(kind).parse_options(obj, {}))
        documents[kind] = store.obtain(prepared, actor=lead)
        objects[f"document:{kind}"] = obj
    objects["generated_documents"] = documents
    assert all(d.state == "done" for d in documents.values()), {k: d.state for k, d in documents.items()}
    assert GeneratedDocument.objects.count() >= len(documents)

    world = World(province=province, units=units, dossiers=dossiers, objects=objects, users=users, markers=markers)
    # The export package and the minutes render documents of their own: made once here, then served from the cache.
    warm = Client()
    warm.force_login(lead)
    for path in (f"/trung-uong/ho-so/{submission.pk}/goi-ho-so.zip", f"/hoi-dong/{session_voted.pk}/bien-ban.pdf"):
        response = warm.get(path)
        assert response.status_code == 200, (path, response.status_code)
        b"".join(response.streaming_content) if response.streaming else response.content
    for user in {u.pk: u for u in users.values()}.values():
        client = Client()
        client.force_login(user)
        world.sessions[user.username] = client.cookies["sessionid"].value
        world.tokens[user.username] = Token.objects.create(user=user).key
    return world
