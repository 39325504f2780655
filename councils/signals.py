"""Signals the councils app sends; ``workflows`` listens (notifications)."""

from django.dispatch import Signal

# The agenda was sent to the members. kwargs: session
agenda_published = Signal()
