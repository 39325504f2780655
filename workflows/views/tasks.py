"""Home Affairs' work lists and the task page: take, give back, hand over.

Only HA staff (specialists, leads) of the dossier's province see these pages:
other users get 403 on the lists and 404 on a task, as for any object
outside their scope. The node-specific actions are in ``workflows.views.review``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers.exceptions import DomainError
from dossiers.views.common import action_error, apply_domain_error, paginate
from workflows import selectors, services
from workflows.forms import AssignForm
from workflows.views.context import assign_candidates, render_task, task_or_404

LISTS = {
    "mine": selectors.my_tasks,
    "queue": selectors.queue_tasks,
    "overdue": selectors.overdue_tasks,
}


def _work_list(request, tab: str):
    user = request.user
    if not selectors.is_ha(user):
        raise PermissionDenied
    # The three tabs' sizes in one query; the page's own list is not counted again for the paginator.
    counts = selectors.task_counts(user)
    page = paginate(request, selectors.PagedTasks(LISTS[tab](user), count=getattr(counts, tab)))
    page.object_list = selectors.decorate(page.object_list)
    return render(request, "workflows/task_list.html", {"tab": tab, "page": page, "counts": counts})


@login_required
@require_GET
def task_list(request):
    """Việc của tôi: the tasks assigned to the user."""
    return _work_list(request, "mine")


@login_required
@require_GET
def task_queue(request):
    """Hàng chờ: unassigned tasks the user may take."""
    return _work_list(request, "queue")


@login_required
@require_GET
def task_overdue(request):
    """Quá hạn: tasks of the province past their due date."""
    return _work_list(request, "overdue")


@login_required
@require_GET
def task_detail(request, pk):
    return render_task(request, task_or_404(request, pk))


def task_page(request, **kwargs):
    """What the flow's View nodes point to: our task page."""
    pk = kwargs.get("task_pk") or kwargs.get("pk")
    return redirect("task_detail", pk=pk)


def refused(request, pk, exc: DomainError, *, bound=None):
    """Re-render the task page (read afresh) with the refusal and the user's input."""
    return render_task(request, task_or_404(request, pk), status=exc.status_code, error=action_error(exc),
                       bound=bound)


@login_required
@require_POST
def task_claim(request, pk):
    task = task_or_404(request, pk)
    try:
        services.claim_task(actor=request.user, task=task)
    except DomainError as exc:
        return refused(request, pk, exc)
    messages.success(request, _("Đã nhận việc “%(task)s” của hồ sơ %(ref)s.")
                     % {"task": task.flow_task.task_title, "ref": task.dossier.reference})
    return redirect("task_detail", pk=task.pk)


@login_required
@require_POST
def task_release(request, pk):
    task = task_or_404(request, pk)
    try:
        services.release_task(actor=request.user, task=task)
    except DomainError as exc:
        return refused(request, pk, exc)
    messages.success(request, _("Đã trả việc “%(task)s” của hồ sơ %(ref)s về hàng chờ.")
                     % {"task": task.flow_task.task_title, "ref": task.dossier.reference})
    return redirect("tasks_queue")


@login_required
@require_POST
def task_reassign(request, pk):
    task = task_or_404(request, pk)
    form = AssignForm(request.POST, candidates=assign_candidates(task))
    if not form.is_valid():
        return render_task(request, task, status=400, bound={"assign_form": form})
    to_user = form.cleaned_data["to_user"]
    try:
        services.reassign_task(actor=request.user, task=task, to_user=to_user)
    except DomainError as exc:
        apply_domain_error(form, exc)
        return refused(request, pk, exc, bound={"assign_form": form})
    messages.success(request, _("Đã giao việc “%(task)s” của hồ sơ %(ref)s cho %(name)s.")
                     % {"task": task.flow_task.task_title, "ref": task.dossier.reference, "name": to_user})
    return redirect("task_detail", pk=task.pk)


@login_required
@require_GET
def feedback_task_redirect(request, feedback_pk):
    """From the list of public feedback to the task of resolving one (its latest task, open or done)."""
    from django.http import Http404

    if not selectors.is_ha(request.user):
        raise PermissionDenied
    task = (selectors.task_model().objects.filter(process__feedbackprocess__feedback_id=feedback_pk,
                                                  flow_task__in=selectors.refs(*selectors.FEEDBACK_TASKS))
            .filter(selectors.on_dossier("__unit__province_id", request.user.province_id))
            .order_by("-created").first())
    if task is None:
        raise Http404
    return redirect("task_detail", pk=task.pk)
