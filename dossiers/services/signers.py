"""Who signs as what: the capacity is a property of the signer's account, set by the administrator."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dossiers.exceptions import DomainError
from dossiers.models import SignerCapacity


def signer_capacity_of(actor, requested: str | None = None) -> str:
    """The capacity ``actor`` signs in: the one set on the account by the administrator, never a choice.

    ``requested`` (what a client sent, kept for compatibility) must be that same capacity; an account
    with the signer role but no capacity set cannot sign until the administrator sets it.
    """
    own = actor.signer_capacity
    if own not in SignerCapacity.values:
        raise DomainError("signer_capacity_missing", _(
            "Tài khoản %(user)s chưa được khai báo thẩm quyền ký (Chủ tịch hay Phó Chủ tịch UBND tỉnh), nên chưa "
            "ký được. Đề nghị quản trị hệ thống khai báo “Thẩm quyền ký” của tài khoản trong trang quản trị "
            "người dùng.") % {"user": actor.get_full_name() or actor.username})
    if requested and requested != own:
        if requested not in SignerCapacity.values:
            raise DomainError("invalid", _("Thẩm quyền ký không hợp lệ."),
                              details=[{"field": "capacity", "message": _("Thẩm quyền ký không hợp lệ.")}])
        message = _("Tài khoản của bạn ký với thẩm quyền “%(own)s”, không ký được với thẩm quyền “%(requested)s”. "
                    "Thẩm quyền ký do quản trị hệ thống khai báo theo tài khoản.") % {
            "own": SignerCapacity(own).label, "requested": SignerCapacity(requested).label}
        raise DomainError("capacity_mismatch", message, details=[{"field": "capacity", "message": message}])
    return own
