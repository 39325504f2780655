"""Cá nhân, tập thể: the people and collectives of the units the user sees."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dossiers import selectors
from dossiers.forms import SearchForm
from dossiers.views.common import paginate


@login_required
def people_list(request):
    form = SearchForm(request.GET or None)
    form.is_valid()
    query = getattr(form, "cleaned_data", {}).get("q") or ""
    people = paginate(request, selectors.people_of_units(user=request.user, query=query), param="page")
    collectives = paginate(request, selectors.collectives_of_units(user=request.user, query=query), param="cpage")
    return render(request, "dossiers/people_list.html",
                  {"form": form, "people": people, "collectives": collectives, "query": query})
