"""The document engine: Decree 30 layout, embedded fonts, page numbers, and only bundled resources."""

from __future__ import annotations

import base64
import io
import socket
import unicodedata

import pytest
from PIL import Image

from dossiers.documents.render import DocumentResourceError, html_for, pdf_from_html, render_pdf
from tests.documents import pdf as pdfread
from tests.documents.contexts import minutes_context

BASE = "documents/base.html"

DECISION = {
    "issuer": {"parent": "", "name": "ỦY BAN NHÂN DÂN\nTỈNH LAI CHÂU"},
    "number_line": "Số: 163/QĐ-UBND",
    "place_date_line": "Lai Châu, ngày 07 tháng 02 năm 2024",
    "document_type": "QUYẾT ĐỊNH",
    "title": "Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
    "signature": {"lines": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "name": "Tống Thanh Hải"},
    "recipients": ["Như Điều 3", "Ban Thi đua - Khen thưởng Trung ương"],
    "archive_line": "Lưu: VT, NC",
}


def page_html(body: str, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


@pytest.fixture
def no_network(monkeypatch):
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def png_data_uri() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# The fetcher inside WeasyPrint: refused resources stop the rendering.

@pytest.mark.parametrize("markup", [
    '<img src="http://example.com/x.png">',
    '<img src="https://example.com/x.png">',
    '<img src="file:///etc/passwd">',
    '<img src="/etc/passwd">',
    '<img src="x.png">',
    '<div style="background: url(file:///etc/passwd)">x</div>',
    '<div style="background-image: url(\'http://example.com/bg.png\')">x</div>',
])
def test_a_refused_resource_in_the_body_is_an_error(markup, no_network):
    with pytest.raises(DocumentResourceError) as raised:
        pdf_from_html(page_html(f"<p>Văn bản</p>{markup}"))
    assert raised.value.refused
    assert no_network == []


@pytest.mark.parametrize("head", [
    '<link rel="stylesheet" href="http://example.com/style.css">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    '<style>@import url("http://example.com/style.css");</style>',
    '<style>@font-face { font-family: X; src: url("file:///usr/share/fonts/truetype/liberation/'
    'LiberationSerif-Regular.ttf"); } p { font-family: X; }</style>',
    '<style>@font-face { font-family: X; src: url("https://example.com/x.woff2"); } p { font-family: X; }</style>',
])
def test_a_refused_stylesheet_or_font_is_an_error(head, no_network):
    with pytest.raises(DocumentResourceError):
        pdf_from_html(page_html("<p>Văn bản</p>", head))
    assert no_network == []


def test_the_refused_file_never_reaches_the_pdf():
    with pytest.raises(DocumentResourceError) as raised:
        pdf_from_html(page_html('<img src="file:///etc/passwd"><object data="file:///etc/passwd"></object>'))
    assert raised.value.refused[0].url == "file:///etc/passwd"
    assert "file:///etc/passwd" in str(raised.value)


def test_a_data_uri_image_is_drawn():
    pdf = pdf_from_html(page_html(f'<p>Con dấu</p><img src="{png_data_uri()}" style="width: 20mm">'))
    assert pdfread.image_count(pdf) == 1


def test_a_bundled_static_image_is_drawn(settings, tmp_path):
    static_dir = tmp_path / "static"
    (static_dir / "img").mkdir(parents=True)
    Image.new("RGB", (4, 4), (0, 0, 200)).save(static_dir / "img" / "seal.png")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]
    pdf = pdf_from_html(page_html('<img src="static:img/seal.png" style="width: 20mm">'))
    assert pdfread.image_count(pdf) == 1


# The minutes: every line a reader relies on reads back exactly.

@pytest.fixture(scope="module")
def minutes_pdf() -> bytes:
    return render_pdf("documents/council_minutes.html", minutes_context(items=3))


@pytest.fixture(scope="module")
def minutes_text(minutes_pdf) -> str:
    return pdfread.text(minutes_pdf)


@pytest.fixture(scope="module")
def long_minutes_pdf() -> bytes:
    return render_pdf("documents/council_minutes.html", minutes_context(items=60))


def test_html_for_is_what_render_pdf_renders():
    context = minutes_context(items=3)
    html = html_for("documents/council_minutes.html", context)
    assert html.startswith("<!DOCTYPE html>")
    assert 'href="static:documents/document.css"' in html
    assert "http://" not in html and "https://" not in html and "file:" not in html
    assert pdfread.text(pdf_from_html(html)) == pdfread.text(render_pdf("documents/council_minutes.html", context))


def test_html_for_writes_text_in_nfc():
    context = minutes_context(items=1)
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thu Hà")
    context["items"][0]["nominee"] = decomposed
    html = html_for("documents/council_minutes.html", context)
    assert decomposed not in html
    assert "Nguyễn Thị Thu Hà" in html
    # Read back without normalising: the PDF holds the precomposed letters.
    raw = "".join(page.extract_text() for page in pdfread.reader(pdf_from_html(html)).pages)
    assert "Nguyễn Thị Thu Hà" in raw


def test_minutes_header_blocks(minutes_text):
    lines = minutes_text.splitlines()
    assert "UBND TỈNH LAI CHÂU" in lines
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in lines
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    # The number line and the place and date share one line.
    assert "Số: 01/BB-HĐTĐKT Lai Châu, ngày 05 tháng 3 năm 2026" in lines
    assert "BIÊN BẢN" in lines
    assert "Phiên họp thứ nhất năm 2026" in lines


def test_minutes_opening_attendance_and_quorum(minutes_text):
    text = pdfread.flat(minutes_text)
    assert ("Vào hồi 08 giờ 00 phút, ngày 05 tháng 3 năm 2026, tại Phòng họp số 1, UBND tỉnh, "
            "Hội đồng Thi đua - Khen thưởng tiến hành phiên họp thường kỳ (Phiên họp thứ nhất năm 2026)") in text
    assert "1. Chủ trì: Lê Văn Lương - Chủ tịch UBND tỉnh, Chủ tịch Hội đồng." in text
    assert "2. Thư ký: Phạm Thị Ngọc Ánh - Trưởng ban Thi đua - Khen thưởng, Sở Nội vụ, Thư ký Hội đồng." in text
    assert "tổng số 15 thành viên; có mặt 13 thành viên, vắng mặt 2 thành viên." in text
    for name in ("Đặng Văn Tùng", "Hoàng Thị Thanh Huyền", "Lò Văn Sơn", "Nguyễn Đức Thịnh", "Trần Thị Mỹ Dung",
                 "Đỗ Thị Hường", "Giàng A Dính", "Lù Thị Ỏn"):
        assert name in text
    assert "Quàng Văn Ưng - Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh (Ủy viên), có ý kiến bằng văn bản;" in text
    assert "Đinh Thị Ửng - Giám đốc Sở Y tế (Ủy viên), không có ý kiến bằng văn bản." in text
    assert ("Số thành viên có mặt là 13/15, đạt yêu cầu về số thành viên dự họp (từ 80% tổng số thành viên "
            "trở lên, tức ít nhất 12 thành viên); phiên họp đủ điều kiện để xét, biểu quyết.") in text


def test_minutes_voting_method(minutes_text):
    text = pdfread.flat(minutes_text)
    assert "Hội đồng biểu quyết theo hình thức bỏ phiếu kín, bằng phiếu điện tử." in text
    assert "Ý kiến bằng văn bản của thành viên vắng mặt được Thư ký Hội đồng ghi nhận và tính vào kết quả" in text


def test_minutes_results_table(minutes_text):
    text = pdfread.flat(minutes_text)
    assert ("1 Nguyễn Thị Thu Hà Sở Tài chính Chiến sĩ thi đua cấp tỉnh "
            "13/13 12 1 0 2 14 93,3 (14/15) từ 90% trở lên Đạt") in text
    assert "Đặng Văn Tùng" in text
    assert "13/13 11 2 0 2 13 86,7 (13/15) từ 90% trở lên Không đạt" in text
    assert "Hoàng Thị Thanh Huyền" in text
    assert "13/13 11 1 1 1 12 80,0 (12/15) từ 80% trở lên Đạt" in text
    assert "Tỷ lệ đồng ý tính trên tổng số thành viên Hội đồng (15)" in text
    assert "3. Tổng hợp: có 2/3 đề nghị đạt tỷ lệ đồng ý theo quy định và 1 đề nghị không đạt." in text
    assert "Phiên họp kết thúc vào hồi 11 giờ 30 phút, ngày 05 tháng 3 năm 2026." in text


def test_minutes_signatures_and_recipients(minutes_text):
    lines = minutes_text.splitlines()
    for line in ("THƯ KÝ", "Phạm Thị Ngọc Ánh", "CHỦ TỊCH HỘI ĐỒNG", "Lê Văn Lương", "Nơi nhận:",
                 "- Chủ tịch UBND tỉnh (b/c);", "- Các thành viên Hội đồng;", "- Sở Nội vụ;", "- Lưu: VT, HĐTĐKT."):
        assert line in lines
    # The recipients come last, ending with the archive line.
    assert lines.index("Nơi nhận:") < lines.index("- Lưu: VT, HĐTĐKT.")
    assert lines.index("THƯ KÝ") < lines.index("Nơi nhận:")


def test_minutes_variants():
    context = minutes_context(items=2, end_time=None, mode_label="phiếu giấy")
    context["session"].update(voting_method_label="biểu quyết công khai", secret=False)
    context["absent"] = []
    context["quorum"] = {**context["quorum"], "present_count": 11, "met": False}
    text = pdfread.flat(pdfread.text(render_pdf("documents/council_minutes.html", context)))
    assert "Hội đồng biểu quyết theo hình thức biểu quyết công khai, bằng phiếu giấy." in text
    assert "b) Thành viên vắng mặt (0): không có." in text
    assert "ý kiến bằng văn bản của thành viên vắng mặt" not in text.lower()
    assert "không đạt yêu cầu về số thành viên dự họp" in text
    assert "phiên họp không đủ điều kiện để xét, biểu quyết." in text
    assert "Phiên họp kết thúc vào hồi ..... giờ ..... phút" in text


def test_context_values_are_escaped():
    context = minutes_context(items=1)
    context["items"][0]["nominee"] = '<img src="http://example.com/x.png">Nguyễn Văn A'
    pdf = render_pdf("documents/council_minutes.html", context)  # no refused resource: it is text
    # The narrow cell breaks the text at "/" as well as at spaces: compare without white space.
    assert '<imgsrc="http://example.com/x.png">NguyễnVănA' in "".join(pdfread.text(pdf).split())


# Fonts: the bundled Liberation Serif 2.1.5, embedded as TrueType programs.

def test_fonts_are_the_bundled_liberation_serif_embedded(minutes_pdf):
    fonts = pdfread.embedded_fonts(minutes_pdf)
    assert fonts
    for font in fonts:
        assert "+LiberationSerif" in font.base_font, font
        assert font.descendant_subtype == "/CIDFontType2", font
        assert font.has_font_file2, font
        assert font.postscript_name.startswith("LiberationSerif"), font
        # The system may carry an older Liberation Serif (1.07, without full Vietnamese): not that one.
        assert font.version.startswith("Version 2.1.5"), font
    styles = {font.postscript_name for font in fonts}
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"} <= styles


# Pages: A4, page numbers from page 2 at the top centre.

def test_a4_portrait(minutes_pdf):
    for page in pdfread.reader(minutes_pdf).pages:
        assert round(float(page.mediabox.width) / pdfread.MM) == 210
        assert round(float(page.mediabox.height) / pdfread.MM) == 297


def test_margins(minutes_pdf):
    found, width, height = pdfread.runs(minutes_pdf, 0)
    body = [run for run in found if run.text.startswith("Vào hồi")]
    assert body and body[0].x >= 30 * pdfread.MM
    # The first lines of the body start at the 30 mm left margin (plus the first-line indent).
    continuation = [run for run in found if run.text.startswith("Hội đồng Thi đua - Khen thưởng tiến hành")]
    assert continuation and abs(continuation[0].x - 30 * pdfread.MM) < 1
    top = max(run.y for run in found)
    assert height - top >= 20 * pdfread.MM


def test_page_numbers_from_page_two_top_centre(long_minutes_pdf):
    pages = pdfread.reader(long_minutes_pdf).pages
    assert len(pages) >= 3
    top_band = 20 * pdfread.MM
    for index in range(len(pages)):
        found, width, height = pdfread.runs(long_minutes_pdf, index)
        in_margin = [run for run in found if run.y > height - top_band]
        if index == 0:
            assert in_margin == [], in_margin
            continue
        assert [run.text for run in in_margin] == [str(index + 1)]
        centre = 30 * pdfread.MM + (width - 45 * pdfread.MM) / 2
        assert abs(in_margin[0].x - centre) < 8


def test_long_minutes_repeat_the_table_header_and_keep_the_last_paragraph_with_the_signatures(long_minutes_pdf):
    texts = pdfread.page_texts(long_minutes_pdf)
    table_pages = [text for text in texts if "Tổng\nsố\nđồng\ný" in text]
    assert len(table_pages) >= 3
    last = texts[-1]
    assert "Phiên họp kết thúc vào hồi 11 giờ 30 phút" in last
    assert "CHỦ TỊCH HỘI ĐỒNG" in last
    assert "- Lưu: VT, HĐTĐKT." in last
    full = pdfread.flat("\n".join(texts))
    assert "có 45/60 đề nghị đạt" in full
    assert "60 Lò Văn Sơn" in full


# The base template on its own: one signature, with the recipients beside it.

def test_base_with_one_signature():
    pdf = render_pdf(BASE, DECISION)
    lines = pdfread.text(pdf).splitlines()
    assert "ỦY BAN NHÂN DÂN" in lines and "TỈNH LAI CHÂU" in lines
    assert "Số: 163/QĐ-UBND Lai Châu, ngày 07 tháng 02 năm 2024" in lines
    for line in ("QUYẾT ĐỊNH", "Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh", "TM. ỦY BAN NHÂN DÂN",
                 "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Tống Thanh Hải", "- Như Điều 3;",
                 "- Ban Thi đua - Khen thưởng Trung ương;", "- Lưu: VT, NC."):
        assert line in lines, line
    found, _width, _height = pdfread.runs(pdf, 0)
    heading = next(run for run in found if run.text.startswith("Nơi nhận:"))
    authority = next(run for run in found if run.text.startswith("TM. ỦY BAN NHÂN DÂN"))
    # Recipients bottom left, beside the signature block (same height), not under it.
    assert heading.x < authority.x
    assert abs(heading.y - authority.y) < 6
