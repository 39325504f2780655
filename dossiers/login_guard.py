"""Login lockout: repeated wrong passwords lock the username and the client address for a while.

Every password check in the project goes through ``GuardedModelBackend`` (the web login, the admin's
login and the API token endpoint all call ``authenticate``), so one place counts the failures and
refuses while locked:

* ``LOGIN_FAILURES_PER_USER`` wrong passwords for one username within ``LOGIN_FAILURE_WINDOW``
  seconds lock that username for ``LOGIN_LOCKOUT_SECONDS``, whoever tries it;
* ``LOGIN_FAILURES_PER_ADDRESS`` wrong passwords from one client address (``config.client_ip``) in
  the same window lock the address, whatever usernames it tries.

While locked, even the right password is refused, so guessing cannot go on in the background. Each
lock is written to the audit chain once. Failures are counted in the project's cache (shared by the
processes, like the public feedback rate limit) in one-minute buckets, so the window slides; the
keys hold HMACs of the username and address, never the values themselves. A successful login
clears the username's count (not the address's: one valid account must not reset the guessing of
others from the same address).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from config.client_ip import client_ip
from dossiers.exceptions import DomainError

BUCKET_SECONDS = 60


class LoginLockedError(DomainError):
    """Too many wrong passwords: the username or the address is locked for a while (HTTP 429)."""

    status_code = 429


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def failures_per_user() -> int:
    return _setting("LOGIN_FAILURES_PER_USER", 5)


def failures_per_address() -> int:
    return _setting("LOGIN_FAILURES_PER_ADDRESS", 20)


def failure_window() -> int:
    return _setting("LOGIN_FAILURE_WINDOW", 15 * 60)


def lockout_seconds() -> int:
    return _setting("LOGIN_LOCKOUT_SECONDS", 15 * 60)


def normalise_username(username) -> str:
    return unicodedata.normalize("NFC", str(username or "")).strip().casefold()[:150]


def _digest(kind: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"login:{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class _Scope:
    kind: str  # "user" or "address"
    value: str
    limit: int

    @property
    def digest(self) -> str:
        return _digest(self.kind, self.value)

    @property
    def lock_key(self) -> str:
        return f"login-lock:{self.kind}:{self.digest}"

    def bucket_key(self, bucket: int) -> str:
        return f"login-fail:{self.kind}:{self.digest}:{bucket}"

    def bucket_keys(self, now: float) -> list[str]:
        current = int(now // BUCKET_SECONDS)
        count = max(1, math.ceil(failure_window() / BUCKET_SECONDS))
        return [self.bucket_key(b) for b in range(current - count + 1, current + 1)]


def _scopes(request, username) -> list[_Scope]:
    scopes = []
    name = normalise_username(username)
    if name:
        scopes.append(_Scope("user", name, failures_per_user()))
    address = client_ip(request) if request is not None else ""
    if address:
        scopes.append(_Scope("address", address, failures_per_address()))
    return scopes


def lockout_remaining(request, username) -> int:
    """Seconds until the username or the client address may try again (0: not locked)."""
    scopes = _scopes(request, username)
    if not scopes:
        return 0
    found = cache.get_many([scope.lock_key for scope in scopes])
    now = time.time()
    remaining = [until - now for until in found.values() if isinstance(until, int | float)]
    return max(0, math.ceil(max(remaining))) if remaining else 0


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _("Đăng nhập sai quá nhiều lần nên tạm thời bị khóa. Vui lòng thử lại sau %(minutes)d phút "
             "hoặc liên hệ quản trị hệ thống.") % {"minutes": minutes}


def _count(scope: _Scope, now: float) -> int:
    """Add one failure to the current bucket; the failures of the whole window."""
    key = scope.bucket_key(int(now // BUCKET_SECONDS))
    timeout = failure_window() + BUCKET_SECONDS
    if not cache.add(key, 1, timeout=timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
        # Some backends (file-based) give an incremented key the default timeout: set it again.
        cache.touch(key, timeout)
    return sum(int(v) for v in cache.get_many(scope.bucket_keys(now)).values())


def record_failure(request, username) -> None:
    """Count a wrong password; lock (and audit) a username or address that reached its limit."""
    now = time.time()
    for scope in _scopes(request, username):
        failures = _count(scope, now)
        if failures >= scope.limit and cache.add(scope.lock_key, now + lockout_seconds(),
                                                 timeout=lockout_seconds()):
            cache.delete_many(scope.bucket_keys(now))
            _audit_lock(request, username, scope, failures)


def record_success(request, username) -> None:
    """A correct password clears the username's failures."""
    name = normalise_username(username)
    if name:
        scope = _Scope("user", name, failures_per_user())
        cache.delete_many(scope.bucket_keys(time.time()))


class _LoginSubject:
    """What the audit event is about when no account has that username (or an address was locked)."""

    class _meta:
        label_lower = "auth.login"

    def __init__(self, pk: str):
        self.pk = pk


def _audit_lock(request, username, scope: _Scope, failures: int) -> None:
    from dossiers.services.audit import record_event

    user = None
    if scope.kind == "user":
        user = get_user_model().objects.filter(username__iexact=normalise_username(username)).first()
    obj = user if user is not None else _LoginSubject(scope.digest[:16])
    minutes = max(1, lockout_seconds() // 60)
    if scope.kind == "user":
        message = _("Tài khoản “%(username)s” bị khóa đăng nhập %(minutes)d phút sau %(failures)d lần nhập sai "
                    "mật khẩu.") % {"username": normalise_username(username), "minutes": minutes,
                                    "failures": failures}
    else:
        message = _("Địa chỉ %(address)s bị khóa đăng nhập %(minutes)d phút sau %(failures)d lần nhập sai "
                    "mật khẩu.") % {"address": scope.value, "minutes": minutes, "failures": failures}
    with transaction.atomic():
        record_event(actor=None, action="auth.locked", obj=obj, message=message,
                     after={"scope": scope.kind, "username": normalise_username(username),
                            "address": client_ip(request) if request is not None else "",
                            "failures": failures, "minutes": minutes})


class GuardedModelBackend(ModelBackend):
    """Django's username and password check, refusing while locked and counting the failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if lockout_remaining(request, username):
            # PermissionDenied stops every other backend too; authenticate() then returns None.
            raise PermissionDenied(lockout_message(lockout_remaining(request, username)))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(request, username)
        else:
            record_success(request, username)
        return user
