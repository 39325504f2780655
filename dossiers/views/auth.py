"""Sign in and sign out with Django's views and our Vietnamese template.

Wrong passwords are counted and lock the username and the address for a while
(``dossiers.login_guard``); the form then says so instead of "wrong password".
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views

from dossiers import login_guard
from dossiers.forms import LoginForm


class GuardedLoginForm(LoginForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        try:
            return super().clean()
        except forms.ValidationError:
            remaining = login_guard.lockout_remaining(self.request, username)
            if remaining:
                raise forms.ValidationError(login_guard.lockout_message(remaining), code="locked") from None
            raise


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = GuardedLoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot sign anybody out."""
