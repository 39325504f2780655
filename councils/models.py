"""The provincial Emulation and Commendation Council: members, sessions, agenda, votes.

Secret ballots are stored so that nothing links a member to a choice:
``VoterRecord`` says *who* voted, ``Ballot`` says *what* was chosen, and the two
share no key, no timestamp, no sequence (both have random UUID keys; the
voter rows are created for every present member, in random order, when voting
opens; when voting closes both tables are rewritten for the session in random
order). A member finds their own ballot again only with the receipt code they
were given (the ballot stores its SHA-256), which the server does not keep.
"""

from __future__ import annotations

import uuid
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from dossiers.models.fields import NFCCharField, NFCTextField


class Council(models.Model):
    province = models.ForeignKey("dossiers.Province", on_delete=models.PROTECT, related_name="councils",
                                 verbose_name=_("tỉnh"))
    name = NFCCharField(_("tên"), max_length=255, default="Hội đồng Thi đua - Khen thưởng tỉnh")
    issuer_code = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=30, default="HĐTĐKT",
                                   help_text=_("Dùng trong số văn bản, ví dụ 01/BB-HĐTĐKT."))
    issuer_name = NFCCharField(_("tên cơ quan ban hành trên văn bản"), max_length=255,
                               default="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG")
    issuer_parent = NFCCharField(_("cơ quan chủ quản (dòng trên)"), max_length=255, blank=True,
                                 help_text=_("Để trống: UBND + tên tỉnh, ví dụ UBND TỈNH LAI CHÂU."))
    quorum_numerator = models.PositiveSmallIntegerField(_("tỷ lệ có mặt tối thiểu: tử số"), default=4)
    quorum_denominator = models.PositiveSmallIntegerField(_("tỷ lệ có mặt tối thiểu: mẫu số"), default=5)

    class Meta:
        verbose_name = _("Hội đồng Thi đua - Khen thưởng")
        verbose_name_plural = _("Hội đồng Thi đua - Khen thưởng")

    def __str__(self) -> str:
        return self.name

    @property
    def parent_line(self) -> str:
        return self.issuer_parent or f"UBND {self.province.name.upper()}"


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch Hội đồng")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội đồng")
    MEMBER = "member", _("Ủy viên")
    SECRETARY = "secretary", _("Ủy viên, Thư ký Hội đồng")


# Order of precedence in rosters and minutes.
ROLE_ORDER = {MemberRole.CHAIR: 0, MemberRole.VICE_CHAIR: 1, MemberRole.MEMBER: 2, MemberRole.SECRETARY: 3}


class CouncilMembership(models.Model):
    """A person's term on the council; the terms on the session date make its roster."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_memberships",
                             verbose_name=_("thành viên"))
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    position = NFCCharField(_("chức vụ"), max_length=255, blank=True)
    votes = models.BooleanField(_("có quyền biểu quyết"), default=True)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên Hội đồng")
        verbose_name_plural = _("thành viên Hội đồng")
        ordering = ["council", "role", "id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class SessionKind(models.TextChoices):
    REGULAR = "regular", _("Phiên họp thường kỳ")
    THEMATIC = "thematic", _("Phiên họp chuyên đề")
    AD_HOC = "ad_hoc", _("Phiên họp bất thường")


class VotingMode(models.TextChoices):
    ELECTRONIC = "electronic", _("Phiếu điện tử")
    PAPER = "paper", _("Phiếu giấy")


class SessionState(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    AGENDA_PUBLISHED = "agenda_published", _("Đã gửi chương trình")
    IN_PROGRESS = "in_progress", _("Đang họp")
    VOTING_OPEN = "voting_open", _("Đang bỏ phiếu")
    VOTING_CLOSED = "voting_closed", _("Đã kết thúc bỏ phiếu")
    RESULTS_CONFIRMED = "results_confirmed", _("Đã xác nhận kết quả")
    FINALISED = "finalised", _("Đã ký biên bản")


class CouncilSession(ConcurrentTransitionMixin, models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="sessions",
                                verbose_name=_("Hội đồng"))
    title = NFCCharField(_("tên phiên họp"), max_length=255)
    kind = models.CharField(_("loại phiên họp"), max_length=20, choices=SessionKind.choices,
                            default=SessionKind.REGULAR)
    date = models.DateField(_("ngày họp"))
    start_time = models.TimeField(_("giờ bắt đầu"), null=True, blank=True)
    end_time = models.TimeField(_("giờ kết thúc"), null=True, blank=True)
    place = NFCCharField(_("địa điểm"), max_length=255)
    secret = models.BooleanField(_("bỏ phiếu kín"), default=True)
    allow_ballot_change = models.BooleanField(_("cho phép sửa phiếu đến khi kết thúc bỏ phiếu"), default=True)
    mode = models.CharField(_("hình thức phiếu"), max_length=20, choices=VotingMode.choices,
                            default=VotingMode.ELECTRONIC)
    quorum_numerator = models.PositiveSmallIntegerField(_("tỷ lệ có mặt tối thiểu: tử số"), default=4)
    quorum_denominator = models.PositiveSmallIntegerField(_("tỷ lệ có mặt tối thiểu: mẫu số"), default=5)
    state = FSMField(_("trạng thái"), max_length=30, choices=SessionState.choices, default=SessionState.DRAFT,
                     protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    voting_closed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    minutes_number = models.CharField(_("số biên bản"), max_length=60, blank=True)
    minutes_date = models.DateField(_("ngày biên bản"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên họp")
        verbose_name_plural = _("phiên họp")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_numerator, self.quorum_denominator)

    @property
    def roster_frozen(self) -> bool:
        return self.state not in (SessionState.DRAFT, SessionState.AGENDA_PUBLISHED, SessionState.IN_PROGRESS)

    # Transitions; the services in councils.services check who may call them.

    @transition(field=state, source=SessionState.DRAFT, target=SessionState.AGENDA_PUBLISHED)
    def publish(self):
        self.published_at = timezone.now()

    @transition(field=state, source=SessionState.AGENDA_PUBLISHED, target=SessionState.IN_PROGRESS)
    def start(self):
        self.started_at = timezone.now()

    @transition(field=state, source=[SessionState.IN_PROGRESS, SessionState.VOTING_CLOSED],
                target=SessionState.VOTING_OPEN)
    def open_voting(self):
        self.voting_opened_at = timezone.now()

    @transition(field=state, source=SessionState.VOTING_OPEN, target=SessionState.VOTING_CLOSED)
    def close_voting(self):
        self.voting_closed_at = timezone.now()

    @transition(field=state, source=SessionState.VOTING_CLOSED, target=SessionState.RESULTS_CONFIRMED)
    def confirm(self):
        self.confirmed_at = timezone.now()

    @transition(field=state, source=SessionState.RESULTS_CONFIRMED, target=SessionState.FINALISED)
    def finalise(self):
        self.finalised_at = timezone.now()


class SessionMember(models.Model):
    """The session's roster: copied from the terms on the session date, frozen when voting opens."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = NFCCharField(_("họ và tên"), max_length=200)
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices)
    position = NFCCharField(_("chức vụ"), max_length=255, blank=True)
    votes = models.BooleanField(_("có quyền biểu quyết"), default=True)
    present = models.BooleanField(_("có mặt"), default=False)
    sort_key = models.CharField(max_length=600, default="", editable=False)
    role_order = models.PositiveSmallIntegerField(default=2, editable=False)

    class Meta:
        verbose_name = _("thành viên dự họp")
        verbose_name_plural = _("thành viên dự họp")
        ordering = ["session", "role_order", "sort_key", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="uniq_session_member")]

    def __str__(self) -> str:
        return self.name


class ItemResult(models.TextChoices):
    PENDING = "pending", _("Chưa có kết quả")
    PASSED = "passed", pgettext_lazy("council result", "Đạt")
    FAILED = "failed", pgettext_lazy("council result", "Không đạt")


class AgendaItem(models.Model):
    """One nomination before the session, with the threshold that applies and its counted result."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="items")
    nomination = models.ForeignKey("dossiers.Nomination", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    threshold_numerator = models.PositiveSmallIntegerField(default=1)
    threshold_denominator = models.PositiveSmallIntegerField(default=2)
    threshold_strict = models.BooleanField(default=True)
    threshold_base = models.CharField(max_length=20, default="all_members")
    issued = models.PositiveIntegerField(_("số phiếu phát ra"), null=True, blank=True)
    valid = models.PositiveIntegerField(_("số phiếu hợp lệ"), null=True, blank=True)
    agree = models.PositiveIntegerField(_("đồng ý"), null=True, blank=True)
    disagree = models.PositiveIntegerField(_("không đồng ý"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("không biểu quyết, phiếu trắng"), null=True, blank=True)
    written_agree = models.PositiveIntegerField(_("ý kiến văn bản đồng ý"), default=0)
    written_other = models.PositiveIntegerField(_("ý kiến văn bản không đồng ý, không biểu quyết"), default=0)
    base = models.PositiveIntegerField(_("cơ sở tính tỷ lệ"), null=True, blank=True)
    result = models.CharField(_("kết quả"), max_length=10, choices=ItemResult.choices, default=ItemResult.PENDING)

    class Meta:
        verbose_name = _("nội dung xét")
        verbose_name_plural = _("nội dung xét")
        ordering = ["session", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "nomination"], name="uniq_session_nomination")]

    def __str__(self) -> str:
        return f"{self.position}. {self.nomination}"

    @property
    def threshold(self) -> Fraction:
        return Fraction(self.threshold_numerator, self.threshold_denominator)

    @property
    def total_agree(self) -> int | None:
        return None if self.agree is None else self.agree + self.written_agree


class Choice(models.TextChoices):
    AGREE = "agree", _("Đồng ý")
    DISAGREE = "disagree", _("Không đồng ý")
    ABSTAIN = "abstain", _("Không biểu quyết")


class VoterRecord(models.Model):
    """That a member has voted: nothing about how. No timestamp; random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="voter_records")
    member = models.ForeignKey(SessionMember, on_delete=models.CASCADE, related_name="+")
    has_voted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("danh sách đã bỏ phiếu")
        verbose_name_plural = _("danh sách đã bỏ phiếu")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="uniq_voter_record")]

    def __str__(self) -> str:
        return str(self.member)


class Ballot(models.Model):
    """A member's choices on every item. In a secret session it names nobody."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True)
    member = models.ForeignKey(SessionMember, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               help_text=_("Chỉ ghi khi biểu quyết công khai."))
    choices = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("phiếu bầu")
        verbose_name_plural = _("phiếu bầu")

    def __str__(self) -> str:
        return str(self.id)


class WrittenOpinion(models.Model):
    """An absent member's written, named opinion, entered by the secretary with the scan."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="written_opinions")
    member = models.ForeignKey(SessionMember, on_delete=models.PROTECT, related_name="written_opinions")
    choices = models.JSONField(default=dict)
    scan = models.FileField(upload_to="written-opinions/%Y/%m", max_length=200)
    original_name = NFCCharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ý kiến bằng văn bản")
        verbose_name_plural = _("ý kiến bằng văn bản")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="uniq_written_opinion")]

    def __str__(self) -> str:
        return str(self.member)


class PaperTally(models.Model):
    """Counted paper ballots for one item, entered by the secretary."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="paper_tally")
    issued = models.PositiveIntegerField(_("số phiếu phát ra"))
    valid = models.PositiveIntegerField(_("số phiếu hợp lệ"))
    agree = models.PositiveIntegerField(_("đồng ý"))
    disagree = models.PositiveIntegerField(_("không đồng ý"))
    abstain = models.PositiveIntegerField(_("không biểu quyết, phiếu trắng"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kết quả kiểm phiếu giấy")
        verbose_name_plural = _("kết quả kiểm phiếu giấy")

    def __str__(self) -> str:
        return f"{self.item}: {self.agree}/{self.valid}"


class SessionCorrection(models.Model):
    """An audited correction after the minutes were signed."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="corrections")
    note = NFCTextField(_("nội dung đính chính"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("đính chính")
        verbose_name_plural = _("đính chính")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.note[:60]
