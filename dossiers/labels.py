"""Labels of a model field's choices, translated once.

``get_<field>_display`` rebuilds the field's whole choice list on every call,
hashing (so translating) each label: once per row, that was a fifth of the
dossier list page's time (docs/performance.md). A list page or an API answer
translates the labels once, in its request's language, and looks rows up.
"""

from __future__ import annotations


def choice_labels(model, field_name: str) -> dict:
    """``{value: label}`` of ``model.field_name``'s choices, in the active language."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
