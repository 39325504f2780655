"""Helpers shared by the web views: scoped lookups, refusals, pagination."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404

from dossiers import selectors
from dossiers.exceptions import DomainError

PAGE_SIZE = 25


def dossier_or_404(request, pk):
    """The dossier if the user may read it; otherwise 404 (never 403, which would confirm it exists)."""
    return get_object_or_404(selectors.dossier_for_user(user=request.user, pk=pk))


def detail_texts(exc: DomainError) -> list[str]:
    """The refusal's details as lines of text, without repeating the message itself."""
    details = exc.details
    if isinstance(details, dict):
        details = [details]
    texts = []
    for item in details or []:
        if isinstance(item, dict):
            text = str(item.get("message") or item.get("label") or "")
        else:
            text = str(item)
        if text and text != exc.message and text not in texts:
            texts.append(text)
    return texts


def action_error(exc: DomainError) -> dict:
    """What the error box of a page shows for a refused action."""
    return {"code": exc.code, "message": exc.message, "details": detail_texts(exc)}


def apply_domain_error(form, exc: DomainError) -> None:
    """Put a service refusal back on the form: field errors where the details name a field."""
    details = exc.details if isinstance(exc.details, list) else [exc.details] if exc.details else []
    field_messages = set()
    others = []
    for item in details:
        if isinstance(item, dict) and item.get("field") in form.fields:
            message = str(item.get("message") or exc.message)
            form.add_error(item["field"], message)
            field_messages.add(message)
        elif isinstance(item, dict) and item.get("message"):
            others.append(str(item["message"]))
        elif item and not isinstance(item, dict):
            others.append(str(item))
    if exc.message not in field_messages:
        form.add_error(None, exc.message)
    for text in others:
        if text != exc.message and text not in field_messages:
            form.add_error(None, text)


def paginate(request, queryset, *, param: str = "page", per_page: int = PAGE_SIZE):
    """One page of ``queryset``: two queries (count, rows) whatever its size."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get(param))
