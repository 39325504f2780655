"""The minutes PDF, from the session's data; the same in electronic and paper modes."""

from __future__ import annotations

import datetime

from councils.minutes import minutes_context
from councils.models import CouncilSession
from councils.services import sessions as svc
from councils.services import voting
from dossiers.documents.render import render_pdf
from tests.councils.conftest import open_session
from tests.documents.pdf import flat, text

MINUTES_DAY = datetime.date(2026, 3, 5)


def finish(session, secretary, chair):
    svc.close_voting(actor=secretary, session=session)
    svc.confirm_results(actor=chair, session=session)
    svc.finalise(actor=chair, session=session, minutes_date=MINUTES_DAY, end_time=datetime.time(11, 30))
    return CouncilSession.objects.get(pk=session.pk)


def minutes_text(session) -> str:
    return flat(text(render_pdf("documents/council_minutes.html", minutes_context(session))))


def electronic(council, secretary, chair, members, nominations):
    session = open_session(council, secretary, nominations, members, present=13)
    items = list(session.items.order_by("position"))
    for index, user in enumerate(members[:13]):
        # item 1: everyone agrees; item 2: two disagree, one abstains
        choices = {str(items[0].pk): "agree"}
        if len(items) > 1:
            choices[str(items[1].pk)] = "disagree" if index < 2 else ("abstain" if index == 2 else "agree")
        voting.cast_ballot(actor=user, session=session, choices=choices)
    return finish(session, secretary, chair)


def test_minutes_read_back(council, secretary, chair, members, waiting):
    session = electronic(council, secretary, chair, members, waiting[:2])
    body = minutes_text(session)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND TỈNH LAI CHÂU",
        "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "Số: 01/BB-HĐTĐKT", "Lai Châu, ngày 05 tháng 3 năm 2026", "BIÊN BẢN",
        "Phiên họp thứ nhất năm 2026", "bỏ phiếu kín", "phiếu điện tử", "Đỗ Thị Thu Trang", "Nguyễn Văn Hòa",
        "Đặng Văn Tùng", "Nguyễn Thị Thu Hà", "86,7", "Đạt", "Không đạt", "11 giờ 30 phút", "Nơi nhận:",
    ]:
        assert expected in body, expected
    # Đặng Văn Tùng (order, majority): 13/15 agree -> passes; Nguyễn Thị Thu Hà (CSTĐ tỉnh, 90%): 10/15 fails
    assert "66,7" in body


def test_paper_minutes_say_the_same(council, secretary, chair, members, waiting):
    from councils.models import AgendaItem
    from dossiers.models import Dossier, Nomination

    first = electronic(council, secretary, chair, members, waiting[:2])
    electronic_text = minutes_text(first)
    # put the same nominations back in the pool and hold a paper session with the same counts
    Nomination.objects.filter(pk__in=[n.pk for n in waiting[:2]]).update(outcome="eligible")
    Dossier.objects.filter(pk=waiting[0].dossier_id).update(state="awaiting_council")
    AgendaItem.objects.filter(session=first).delete()
    CouncilSession.objects.filter(pk=first.pk).delete()
    paper = open_session(council, secretary, waiting[:2], members, present=13, mode="paper")
    items = list(paper.items.order_by("position"))
    voting.enter_paper_tally(actor=secretary, item=items[0], issued=13, valid=13, agree=13, disagree=0, abstain=0)
    voting.enter_paper_tally(actor=secretary, item=items[1], issued=13, valid=13, agree=10, disagree=2, abstain=1)
    paper = finish(paper, secretary, chair)
    paper_text = minutes_text(paper)
    # the numbering register continues, so the minutes number differs; the rest is identical but the mode
    assert paper_text.replace("phiếu giấy", "phiếu điện tử").replace("02/BB", "01/BB") == electronic_text


def lines_of(session) -> list[str]:
    """The PDF's text line by line, spaces collapsed within each line."""
    return [flat(line) for line in text(render_pdf("documents/council_minutes.html", minutes_context(session)))
            .splitlines() if line.strip()]


def test_minutes_line_by_line(council, secretary, chair, members, waiting):
    """Attendance and quorum, the voting method, every count against its base, the threshold and the result."""
    import zoneinfo

    from councils.models import AgendaItem
    from tests.factories import pdf_upload

    nominations = [waiting[0], waiting[1], waiting[3]]   # CSTĐ tỉnh, Huân chương Lao động hạng Ba, Cờ thi đua tỉnh
    session = open_session(council, secretary, nominations, members, present=13)
    CouncilSession.objects.filter(pk=session.pk).update(started_at=datetime.datetime(
        2026, 3, 5, 8, 5, 41, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")))
    flag = AgendaItem.objects.get(session=session, nomination=waiting[3])
    AgendaItem.objects.filter(pk=flag.pk).update(threshold_base="present_members")
    items = {i.nomination_id: i for i in session.items.all()}
    written, silent = session.members.filter(present=False).order_by("sort_key")
    voting.enter_written_opinion(actor=secretary, session=session, member=written,
                                 choices={str(i.pk): "agree" for i in items.values()}, scan=pdf_upload())
    for index, user in enumerate(members[:13]):
        voting.cast_ballot(actor=user, session=session, choices={
            str(items[waiting[0].pk].pk): "agree",                                          # 13 + 1 written
            str(items[waiting[1].pk].pk): "agree" if index < 7 else "disagree",             # 7 + 1 written
            str(items[waiting[3].pk].pk): "agree" if index < 10 else "disagree",            # 10 + 1 written
        })
    session = finish(session, secretary, chair)
    lines = lines_of(session)
    body = " ".join(lines)

    def line(expected: str) -> None:
        assert expected in lines, f"no line {expected!r}"

    assert lines[lines.index("Phiên họp thứ nhất năm 2026") + 1].startswith("Vào hồi 08 giờ 05 phút, ngày 05 tháng 3")
    assert ("Vào hồi 08 giờ 05 phút, ngày 05 tháng 3 năm 2026, tại Phòng họp số 1, UBND tỉnh, Hội đồng Thi đua - "
            "Khen thưởng tiến hành phiên họp thường kỳ (Phiên họp thứ nhất năm 2026) để xét, biểu quyết các đề nghị "
            "khen thưởng.") in body
    line("2. Thư ký: Đỗ Thị Thu Trang - Trưởng ban TĐKT.")
    assert "3. Thành viên Hội đồng: tổng số 15 thành viên; có mặt 13 thành viên, vắng mặt 2 thành viên." in body
    line("a) Thành viên có mặt (13):")
    line("1. Nguyễn Văn Hòa - Chủ tịch UBND tỉnh (Chủ tịch Hội đồng);")
    line("13. Đỗ Thị Thu Trang - Trưởng ban TĐKT (Ủy viên, Thư ký Hội đồng).")
    line("b) Thành viên vắng mặt (2):")
    line(f"1. {written.name} - Ủy viên (Ủy viên), có ý kiến bằng văn bản;")
    line(f"2. {silent.name} - Ủy viên (Ủy viên), không có ý kiến bằng văn bản.")
    assert ("Số thành viên có mặt là 13/15, đạt yêu cầu về số thành viên dự họp (từ 80,0% tổng số thành viên trở "
            "lên, tức ít nhất 12 thành viên); phiên họp đủ điều kiện để xét, biểu quyết.") in body
    assert ("1. Hình thức biểu quyết: Hội đồng biểu quyết theo hình thức bỏ phiếu kín, bằng phiếu điện tử. Ý kiến "
            "bằng văn bản của thành viên vắng mặt được Thư ký Hội đồng ghi nhận và tính vào kết quả biểu quyết.") in body
    # per item: issued/valid, agree, disagree, no opinion, written agreement, total, share against its base,
    # the threshold as the rules say it, the result (positions: award rank, then unit, then nominee)
    assert ("1 Đặng Văn Tùng Sở Tài chính Huân chương Lao động hạng Ba 13/13 7 6 0 1 8 53,3 (8/15) quá 50% Đạt"
            in body)
    line("2 Nguyễn Thị Thu Hà Sở Tài chính Chiến sĩ thi đua cấp tỉnh 13/13 13 0 0 1 14 93,3 (14/15) từ 90% trở lên "
         "Đạt")
    assert "3 Ban Thời sự Báo Lai Châu Cờ thi đua của Ủy ban nhân dân tỉnh 13/13 10 3 0 1 11 78,6 (11/14)" in body
    assert "78,6 (11/14) từ 80% trở lên Không đạt" in body
    assert ("Tỷ lệ đồng ý tính trên tổng số thành viên Hội đồng (15), gồm phiếu đồng ý tại phiên họp và ý kiến đồng ý "
            "bằng văn bản.") in body
    assert ("Tỷ lệ đồng ý tính trên số thành viên có mặt và có ý kiến (14), gồm phiếu đồng ý tại phiên họp và ý kiến "
            "đồng ý bằng văn bản.") in body
    assert "3. Tổng hợp: có 2/3 đề nghị đạt tỷ lệ đồng ý theo quy định và 1 đề nghị không đạt." in body
    line("Phiên họp kết thúc vào hồi 11 giờ 30 phút, ngày 05 tháng 3 năm 2026.")
    assert lines.index("THƯ KÝ") < lines.index("CHỦ TỊCH HỘI ĐỒNG")


def test_quorum_sentence_when_short_after_a_correction(council, secretary, chair, members, waiting):
    """A draft of minutes for a session whose corrected attendance fell under the quorum says so."""
    session = open_session(council, secretary, waiting[:1], members, present=12, mode="paper")
    voting.enter_paper_tally(actor=secretary, item=session.items.get(), issued=11, valid=11, agree=11, disagree=0,
                             abstain=0)
    svc.close_voting(actor=secretary, session=session)
    svc.record_attendance(actor=secretary, session=session, present_user_ids=[u.pk for u in members[:11]])
    body = flat(text(render_pdf("documents/council_minutes.html",
                                minutes_context(CouncilSession.objects.get(pk=session.pk)))))
    assert ("Số thành viên có mặt là 11/15, không đạt yêu cầu về số thành viên dự họp (từ 80,0% tổng số thành viên "
            "trở lên, tức ít nhất 12 thành viên); phiên họp không đủ điều kiện để xét, biểu quyết.") in body
