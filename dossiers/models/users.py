"""Users belong to a unit; what they may do comes from their role groups."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from dossiers.models.decision import SignerCapacity


class Role(models.TextChoices):
    """Role group names, as the glossary gives them."""

    UNIT_CLERK = "unit_clerk", _("Cán bộ TĐKT đơn vị")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    HA_SPECIALIST = "ha_specialist", _("Chuyên viên Sở Nội vụ")
    HA_LEAD = "ha_lead", _("Lãnh đạo Sở Nội vụ")
    COUNCIL_SECRETARY = "council_secretary", _("Thư ký Hội đồng")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng")
    COUNCIL_CHAIR = "council_chair", _("Chủ tịch Hội đồng")
    SIGNER = "signer", _("Người ký quyết định")
    CENTRAL_LIAISON = "central_liaison", _("Cán bộ liên hệ Trung ương")
    AUDITOR = "auditor", _("Kiểm tra, giám sát")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


UNIT_ROLES = frozenset({Role.UNIT_CLERK, Role.UNIT_HEAD})
# Roles that read every submitted dossier of their province.
PROVINCE_READ_ROLES = frozenset(
    {
        Role.HA_SPECIALIST,
        Role.HA_LEAD,
        Role.COUNCIL_SECRETARY,
        Role.SIGNER,
        Role.CENTRAL_LIAISON,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
    }
)
HA_ROLES = frozenset({Role.HA_SPECIALIST, Role.HA_LEAD})


class User(AbstractUser):
    unit = models.ForeignKey(
        "dossiers.Unit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    # Who signs as what is a property of the account, not a choice made when signing: a Vice-Chairman's
    # signature always reads "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH". Only accounts with the signer role use it.
    signer_capacity = models.CharField(
        _("thẩm quyền ký"), max_length=20, blank=True, choices=SignerCapacity.choices,
        help_text=_("Chỉ với tài khoản có vai trò Người ký quyết định: Chủ tịch ký (TM. ỦY BAN NHÂN DÂN / CHỦ "
                    "TỊCH) hay Phó Chủ tịch ký thay (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH). Khối chữ ký trên quyết "
                    "định, tờ trình theo đúng thẩm quyền này."),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """Vietnamese order: family name (last_name) first, then middle and given names."""
        return " ".join(part for part in (self.last_name.strip(), self.first_name.strip()) if part)

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def province_id(self):
        return self.unit.province_id if self.unit_id else None
