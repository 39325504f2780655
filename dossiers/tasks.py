"""Background tasks (django-tasks; the database backend by default: ``manage.py db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def render_generated_document(document_id: int) -> dict:
    """Render a queued official document (``dossiers.documents.store``), recording its progress."""
    from dossiers.documents import store

    document = store.run(document_id)
    if document is None:
        return {"state": "missing"}
    return {"state": document.state, "pages_done": document.pages_done, "pages_total": document.pages_total}
