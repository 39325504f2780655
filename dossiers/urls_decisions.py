"""Web UI routes of award decisions (path words: docs/glossary.md, "URL words").

Included from ``dossiers.urls``. Every page but the public list needs a
signed-in user; a decision outside the user's scope is 404.
"""

from django.urls import path

from dossiers.views import decisions, revocations

urlpatterns = [
    path("quyet-dinh/", decisions.decision_list, name="decision_list"),
    path("quyet-dinh/cho-ky/", decisions.decision_to_sign, name="decision_to_sign"),
    path("quyet-dinh/lap-du-thao/", decisions.decision_create, name="decision_create"),
    path("quyet-dinh/<int:pk>/", decisions.decision_detail, name="decision_detail"),
    path("quyet-dinh/<int:pk>/sua/", decisions.decision_edit, name="decision_edit"),
    path("quyet-dinh/<int:pk>/them/", decisions.decision_add_items, name="decision_add_items"),
    path("quyet-dinh/<int:pk>/bo/<int:item_pk>/", decisions.decision_remove_item, name="decision_remove_item"),
    path("quyet-dinh/<int:pk>/kiem-tra/", decisions.decision_check, name="decision_check"),
    path("quyet-dinh/<int:pk>/tra-lai/", decisions.decision_send_back, name="decision_send_back"),
    path("quyet-dinh/<int:pk>/ky/", decisions.decision_sign, name="decision_sign"),
    # Revocation (hủy bỏ) from the award history (khen thưởng đã nhận).
    path("quyet-dinh/huy-bo/", revocations.revocation_create, name="revocation_create"),
    path("khen-thuong-da-nhan/", revocations.award_history, name="award_history"),
    # Public (no login): issued decisions and their awardees.
    path("cong-khai/quyet-dinh/", revocations.public_decision_list, name="public_decision_list"),
]
