"""Web UI routes of the central stage (path words: docs/glossary.md, "URL words").

Included from ``dossiers.urls``. Every page needs a signed-in user with a
province-level role; a submission of another province is 404.
"""

from django.urls import path

from dossiers.views import central

urlpatterns = [
    path("trung-uong/", central.submission_list, name="central_submissions"),
    path("trung-uong/lap-ho-so/", central.submission_create, name="central_submission_create"),
    path("trung-uong/theo-doi/", central.board, name="central_board"),
    path("trung-uong/theo-doi.xlsx", central.board_export, name="central_board_export"),
    path("trung-uong/ho-so/<int:pk>/", central.submission_detail, name="central_submission"),
    path("trung-uong/ho-so/<int:pk>/ky/", central.submission_sign, name="central_sign"),
    path("trung-uong/ho-so/<int:pk>/gui/", central.submission_send, name="central_send"),
    path("trung-uong/ho-so/<int:pk>/tiep-nhan/", central.submission_receive, name="central_receive"),
    path("trung-uong/ho-so/<int:pk>/tra-lai/", central.submission_return, name="central_return"),
    path("trung-uong/ho-so/<int:pk>/ket-qua/<int:item_pk>/", central.item_decision, name="central_item_decision"),
    path("trung-uong/ho-so/<int:pk>/nhan-hien-vat/", central.submission_items_received,
         name="central_items_received"),
    path("trung-uong/ho-so/<int:pk>/trao/", central.submission_hand_over, name="central_hand_over"),
    path("trung-uong/ho-so/<int:pk>/ket-thuc/", central.submission_close, name="central_close"),
    path("trung-uong/ho-so/<int:pk>/goi-ho-so.zip", central.submission_package, name="central_package"),
    path("trung-uong/ho-so/<int:pk>/tai-lieu/", central.attachment_upload, name="central_attachment_upload"),
    path("trung-uong/ho-so/<int:pk>/tai-lieu/<int:attachment_pk>/", central.attachment_download,
         name="central_attachment"),
    path("trung-uong/ho-so/<int:pk>/tai-lieu/<int:attachment_pk>/xoa/", central.attachment_remove,
         name="central_attachment_remove"),
]
