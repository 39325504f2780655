"""Translations for the engine: Django's ``gettext``, remembered for the length of one evaluation."""

from __future__ import annotations

import contextlib
import threading

from django.utils.translation import gettext as _django_gettext

_remembered = threading.local()


def gettext(message: str) -> str:
    """Django's ``gettext``, remembered inside ``remembered_translations()``.

    Judging 10,000 nominations translates the same few dozen sentences about
    180,000 times; each of Django's lookups walks the active catalogues behind
    a context-local (half the judging time, measured). The active language
    cannot change inside one evaluation, so a message is looked up once.
    """
    memo = getattr(_remembered, "memo", None)
    if memo is None:
        return _django_gettext(message)
    try:
        return memo[message]
    except KeyError:
        memo[message] = translated = _django_gettext(message)
        return translated


def remembered(key, compute):
    """``compute()`` once per evaluation for ``key`` (e.g. a translated choice label); every time outside one."""
    memo = getattr(_remembered, "memo", None)
    if memo is None:
        return compute()
    key = ("remembered", key)
    try:
        return memo[key]
    except KeyError:
        memo[key] = value = compute()
        return value


@contextlib.contextmanager
def remembered_translations():
    """Within the block, each message is translated once (for the language active when the block starts)."""
    outer = getattr(_remembered, "memo", None)
    _remembered.memo = {} if outer is None else outer
    try:
        yield
    finally:
        _remembered.memo = outer
