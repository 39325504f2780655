"""Web UI routes of the councils app (path words: docs/glossary.md, "URL words").

Every page needs a signed-in user; a session outside the user's scope is 404.
"""

from django.urls import path

from councils.views import documents, sessions, voting

urlpatterns = [
    path("hoi-dong/", sessions.session_list, name="council_sessions"),
    path("hoi-dong/tao-phien-hop/", sessions.session_create, name="council_session_create"),
    path("hoi-dong/<int:pk>/", sessions.session_detail, name="council_session"),
    path("hoi-dong/<int:pk>/sua/", sessions.session_edit, name="council_session_edit"),
    # The agenda (chương trình) and the steps of the session.
    path("hoi-dong/<int:pk>/chuong-trinh/them/", sessions.agenda_add, name="council_agenda_add"),
    path("hoi-dong/<int:pk>/chuong-trinh/<int:item_pk>/de-lai/", sessions.agenda_remove,
         name="council_agenda_remove"),
    path("hoi-dong/<int:pk>/gui-chuong-trinh/", sessions.session_publish, name="council_publish"),
    path("hoi-dong/<int:pk>/khai-mac/", sessions.session_start, name="council_start"),
    path("hoi-dong/<int:pk>/diem-danh/", sessions.attendance, name="council_attendance"),
    path("hoi-dong/<int:pk>/mo-bo-phieu/", sessions.voting_open, name="council_open_voting"),
    path("hoi-dong/<int:pk>/ket-thuc-bo-phieu/", sessions.voting_close, name="council_close_voting"),
    path("hoi-dong/<int:pk>/xac-nhan-ket-qua/", sessions.results_confirm, name="council_confirm"),
    path("hoi-dong/<int:pk>/ky-bien-ban/", sessions.session_finalise, name="council_finalise"),
    path("hoi-dong/<int:pk>/dinh-chinh/", sessions.session_correct, name="council_correct"),
    # Votes: the member's ballot, the live progress, written opinions, paper tallies.
    path("hoi-dong/<int:pk>/phieu/", voting.ballot, name="council_ballot"),
    path("hoi-dong/<int:pk>/phieu/da-ghi-nhan/", voting.ballot_done, name="council_ballot_done"),
    path("hoi-dong/<int:pk>/tien-do/", voting.progress, name="council_progress"),
    path("hoi-dong/<int:pk>/y-kien-van-ban/", voting.written_opinion, name="council_written_opinion"),
    path("hoi-dong/<int:pk>/kiem-phieu/<int:item_pk>/", voting.paper_tally, name="council_paper_tally"),
    # Files.
    path("hoi-dong/<int:pk>/tai-lieu/<int:attachment_id>/", documents.agenda_document, name="council_document"),
    path("hoi-dong/<int:pk>/bien-ban.pdf", documents.minutes_pdf, name="council_minutes"),
]
