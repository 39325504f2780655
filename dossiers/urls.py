"""Web UI routes. Every page needs a signed-in user; objects outside the user's scope are 404."""

from django.urls import include, path

from dossiers.views import attachments, auth, dossiers, home, imports, nominations, people, public

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
    path("dossiers/", dossiers.dossier_list, name="dossier_list"),
    path("dossiers/new/", dossiers.dossier_create, name="dossier_create"),
    path("dossiers/<int:pk>/", dossiers.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/edit/", dossiers.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/send-to-head/", dossiers.dossier_send_to_head, name="dossier_send_to_head"),
    path("dossiers/<int:pk>/submit/", dossiers.dossier_submit, name="dossier_submit"),
    path("dossiers/<int:pk>/withdraw/", dossiers.dossier_withdraw, name="dossier_withdraw"),
    path("dossiers/<int:pk>/nominations/new/", nominations.nomination_create, name="nomination_create"),
    path("dossiers/<int:pk>/nominations/<int:nomination_pk>/edit/", nominations.nomination_edit,
         name="nomination_edit"),
    path("dossiers/<int:pk>/nominations/<int:nomination_pk>/delete/", nominations.nomination_delete,
         name="nomination_delete"),
    path("dossiers/<int:pk>/import/", imports.nominee_import, name="nominee_import"),
    path("dossiers/<int:pk>/attachments/upload/", attachments.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/download/", attachments.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", attachments.attachment_delete, name="attachment_delete"),
    path("templates/nominees.xlsx", imports.nominee_template, name="nominee_template"),
    path("templates/history.xlsx", imports.history_template, name="history_template"),
    path("history/import/", imports.history_import, name="history_import"),
    path("people/", people.people_list, name="people_list"),
    # Công khai: public pages (no login) and Home Affairs' feedback queue.
    path("cong-khai/", public.public_notice_list, name="public_notice_list"),
    path("cong-khai/<int:nomination_id>/gop-y/", public.public_feedback, name="public_feedback"),
    path("cong-khai/<int:nomination_id>/gop-y/da-gui/", public.public_feedback_thanks,
         name="public_feedback_thanks"),
    path("cong-khai/gop-y/", public.feedback_queue, name="feedback_queue"),
    path("cong-khai/gop-y/<int:pk>/xu-ly/", public.feedback_resolve, name="feedback_resolve"),
    path("van-ban/", include("dossiers.views.documents")),  # official documents as PDF (document_pdf, ...)
    path("", include("dossiers.urls_decisions")),  # award decisions, revocation, award history, public decisions
    path("", include("dossiers.urls_central")),  # forwarding to the central level: submissions, tracking board
]
