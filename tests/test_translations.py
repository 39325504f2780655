"""The translation catalogues must keep up with the code.

- ``locale/vendor/vi``: viewflow ships no Vietnamese catalogue; ours must cover all of it.
- ``locale/en``: the project's message ids are Vietnamese (ADR 0001); the English catalogue
  must translate every one of them, keep their placeholders, be compiled, and cover whatever
  ``makemessages`` finds in the code today (docs/translations.md).
"""

import re
import shutil
import subprocess
import unicodedata
from io import StringIO
from pathlib import Path

import polib
import pytest
import viewflow
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

from dossiers.exceptions import DomainError
from dossiers.models import DossierState
from dossiers.services.dossiers import withdraw_dossier

VENDOR_PO = Path(settings.BASE_DIR) / "locale" / "vendor" / "vi" / "LC_MESSAGES" / "django.po"
VENDOR_MO = VENDOR_PO.with_suffix(".mo")
VIEWFLOW_PO = Path(viewflow.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{[^{}]*\}")

EN_PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")
# The --ignore list of the documented command (docs/translations.md):
#   manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
MAKEMESSAGES_IGNORE = [".venv", "var", "tests", "bench"]
# %(name)s, %s, %d, ... and {name}; "%%" is a literal percent sign and is dropped.
EN_PLACEHOLDER = re.compile(r"%%|%\(\w+\)[sdifr]|%[sdifr]|\{[^{}]*\}")
HOW_TO_UPDATE = "update the English catalogue: see 'Updating the English catalogue' in docs/translations.md"


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def _translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.fixture(scope="module")
def ours():
    return polib.pofile(str(VENDOR_PO))


def test_every_viewflow_msgid_is_translated(ours):
    by_key = {_key(e): e for e in ours if not e.obsolete}
    wanted = [e for e in polib.pofile(str(VIEWFLOW_PO)) if not e.obsolete and e.msgid]
    assert len(wanted) > 100
    missing = [e.msgid for e in wanted if _key(e) not in by_key]
    assert missing == []
    empty = [e.msgid for e in wanted if not all(t.strip() for t in _translations(by_key[_key(e)]))]
    assert empty == []


def test_no_fuzzy_and_vietnamese_plural_forms(ours):
    assert [e.msgid for e in ours if "fuzzy" in e.flags] == []
    assert ours.metadata["Language"] == "vi"
    assert ours.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert all(set(e.msgstr_plural) == {0} for e in ours if e.msgid_plural)


def test_placeholders_are_kept(ours):
    for entry in ours:
        source = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in _translations(entry):
            assert sorted(PLACEHOLDER.findall(text)) == source, entry.msgid


def test_mo_matches_po(ours):
    compiled = {_key(e): e for e in polib.mofile(str(VENDOR_MO))}
    for entry in ours:
        if entry.obsolete:
            continue
        assert _key(entry) in compiled, f"{entry.msgid!r} is not in django.mo: run msgfmt (docs/translations.md)"
        assert _translations(compiled[_key(entry)]) == _translations(entry), entry.msgid
    assert len(compiled) == len([e for e in ours if not e.obsolete])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext (msgfmt) is not installed")
@pytest.mark.parametrize("po", [VENDOR_PO, EN_PO], ids=["vendor-vi", "en"])
def test_msgfmt_accepts_the_catalogue(tmp_path, po):
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(po)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_viewflow_strings_come_out_in_vietnamese():
    with translation.override("vi"):
        assert translation.gettext("Inbox") == "Việc của tôi"
        assert translation.gettext("Queue") == "Việc chờ nhận"
        assert translation.pgettext("STATUS", "Done") == "Đã xong"
        assert translation.ngettext(
            "\n                        Export the %(name)s\n                      ",
            "\n                        Export the %(objects_count)s %(plural_name)s\n                      ",
            3,
        ).strip() == "Xuất %(objects_count)s %(plural_name)s"
    with translation.override("en"):
        assert translation.gettext("Inbox") == "Inbox"


# ---- the project's English catalogue (locale/en) ------------------------------------------------

def _full_key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def _forms(entry):
    """(source text, translation) for each form: msgstr[0] renders msgid, the others msgid_plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    return [(entry.msgid if n == 0 else entry.msgid_plural, text) for n, text in sorted(entry.msgstr_plural.items())]


def _placeholders(text):
    return {p for p in EN_PLACEHOLDER.findall(text) if p != "%%"}


@pytest.fixture(scope="module")
def english():
    return polib.pofile(str(EN_PO))


def _copy_filter(root):
    """What the throwaway copy leaves out: what makemessages would skip anyway, and our catalogues."""
    skipped = {*MAKEMESSAGES_IGNORE, "__pycache__", "node_modules"}

    def ignore(directory, names):
        left_out = {n for n in names if n in skipped or n.startswith(".")}
        if Path(directory) == root:
            left_out.add("locale")
        return left_out

    return ignore


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogue `makemessages -l en` would produce from the code as it is now, built on a copy."""
    missing_tools = [tool for tool in ("xgettext", "msguniq", "msgmerge") if shutil.which(tool) is None]
    if missing_tools:
        pytest.skip(f"GNU gettext is not installed ({', '.join(missing_tools)} missing); bin/test installs it")
    base = Path(settings.BASE_DIR).resolve()
    copy = tmp_path_factory.mktemp("makemessages") / "project"
    shutil.copytree(base, copy, ignore=_copy_filter(base), symlinks=True)
    locale = copy / "locale"
    locale.mkdir()
    # LOCALE_PATHS must point into the copy, or makemessages would write the committed catalogue.
    with override_settings(LOCALE_PATHS=[locale]), pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=["en"], ignore_patterns=MAKEMESSAGES_IGNORE, no_obsolete=True,
                     verbosity=0, stdout=StringIO(), stderr=StringIO())
    produced = locale / "en" / "LC_MESSAGES" / "django.po"
    assert produced.exists(), "makemessages wrote no catalogue into the copy"
    return polib.pofile(str(produced))


def test_english_header(english):
    assert english.metadata["Language"] == "en"
    assert english.metadata["Plural-Forms"].replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert not english.metadata_is_fuzzy, "remove the '#, fuzzy' flag above the header"


def test_every_english_entry_is_translated_and_none_is_fuzzy(english):
    entries = [e for e in english if not e.obsolete]
    assert len(entries) > 600
    problems = {
        "fuzzy (check the translation, then remove the flag)": [e.msgid for e in entries if "fuzzy" in e.flags],
        "without an English translation": [
            e.msgid for e in entries if not all(text.strip() for _source, text in _forms(e))
        ],
    }
    assert problems == dict.fromkeys(problems, []), HOW_TO_UPDATE
    assert all(set(e.msgstr_plural) == {0, 1} for e in entries if e.msgid_plural), "English has two plural forms"


def test_english_catalogue_has_no_obsolete_entries(english):
    assert [e.msgid for e in english if e.obsolete] == [], "run makemessages with --no-obsolete"


def test_english_message_ids_are_nfc(english):
    """ADR 0001: message ids are written in NFC, so what the code asks for is what the catalogue holds."""
    assert [e.msgid for e in english if unicodedata.normalize("NFC", e.msgid) != e.msgid] == []


def test_english_placeholders_match(english):
    wrong = []
    for entry in english:
        for source, text in _forms(entry):
            if _placeholders(source) != _placeholders(text):
                wrong.append((entry.msgid, sorted(_placeholders(source)), sorted(_placeholders(text))))
    assert wrong == [], "a translation must keep exactly the placeholders of its message id"


def _compiled(path):
    mo = polib.mofile(str(path))
    return mo.metadata.get("Plural-Forms"), {
        (e.msgctxt, e.msgid): (e.msgid_plural, e.msgstr, dict(e.msgstr_plural)) for e in mo
    }


def test_english_mo_is_compiled_from_the_current_po(english, tmp_path):
    fresh = tmp_path / "django.mo"
    english.save_as_mofile(str(fresh))
    assert EN_MO.exists(), "locale/en/LC_MESSAGES/django.mo is missing: run compilemessages and commit it"
    committed_plural, committed = _compiled(EN_MO)
    fresh_plural, expected = _compiled(fresh)
    assert committed_plural == fresh_plural
    stale = sorted({k[1] for k in committed.keys() ^ expected.keys()}
                   | {k[1] for k in committed.keys() & expected.keys() if committed[k] != expected[k]})
    assert stale == [], "django.mo differs from django.po: run compilemessages --ignore=.venv --ignore=var"


def test_english_catalogue_covers_the_code(english, extracted):
    ours = {_full_key(e) for e in english if not e.obsolete}
    wanted = [e for e in extracted if e.msgid]
    assert len(wanted) > 600
    missing = [e.msgid for e in wanted if _full_key(e) not in ours]
    assert missing == [], f"messages in the code but not in locale/en: {HOW_TO_UPDATE}"


def test_english_catalogue_has_nothing_the_code_no_longer_says(english, extracted):
    produced = {_full_key(e) for e in extracted}
    stale = [e.msgid for e in english if not e.obsolete and _full_key(e) not in produced]
    assert stale == [], f"entries no longer in the code (re-run makemessages --no-obsolete): {HOW_TO_UPDATE}"


def test_project_strings_come_out_in_english():
    with translation.override("en"):
        assert str(DossierState.SUBMITTED.label) == "Submitted"
        assert str(DossierState.DRAFT.label) == "Draft"
        assert translation.gettext("Hồ sơ chưa có người hoặc tập thể nào được đề nghị.") == (
            "The dossier has no nominated individual or collective yet.")
        assert translation.ngettext("%(counter)s hồ sơ", "%(counter)s hồ sơ", 1) % {"counter": 1} == "1 dossier"
        assert translation.ngettext("%(counter)s hồ sơ", "%(counter)s hồ sơ", 3) % {"counter": 3} == "3 dossiers"
    with translation.override("vi"):
        assert str(DossierState.SUBMITTED.label) == "Đã trình"
        assert translation.gettext("Hồ sơ chưa có người hoặc tập thể nào được đề nghị.") == (
            "Hồ sơ chưa có người hoặc tập thể nào được đề nghị.")
        assert translation.ngettext("%(counter)s hồ sơ", "%(counter)s hồ sơ", 3) % {"counter": 3} == "3 hồ sơ"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [
    ("en", "The dossier's status is “Withdrawn”; it cannot be withdrawn."),
    ("vi", "Hồ sơ đang ở trạng thái “Đã rút”, không rút được."),
])
def test_service_refusals_speak_the_active_language(language, expected, clerk, dossier):
    withdraw_dossier(actor=clerk, dossier=dossier, reason="")
    with translation.override(language), pytest.raises(DomainError) as refused:
        withdraw_dossier(actor=clerk, dossier=dossier, reason="")
    assert refused.value.code == "invalid_state"
    assert refused.value.message == expected


HOME_PAGE_TEXTS = [  # (English, Vietnamese) seen by a unit clerk on "/"
    ("To do", "Việc cần làm"),
    ("New dossier", "Lập hồ sơ mới"),
    ("Dossier list", "Danh sách hồ sơ"),
    ("Import commendation history", "Nhập lịch sử khen thưởng"),
    ("Unit clerk", "Cán bộ TĐKT đơn vị"),
    ("Log out", "Đăng xuất"),
]


@pytest.mark.django_db
def test_home_page_renders_in_english_when_chosen(client, clerk, password):
    assert client.login(username=clerk.username, password=password)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the header's language switch sets
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    for english_text, vietnamese_text in HOME_PAGE_TEXTS:
        assert english_text in page
        assert vietnamese_text not in page


@pytest.mark.django_db
def test_home_page_stays_vietnamese_by_default(client, clerk, password):
    assert client.login(username=clerk.username, password=password)
    page = client.get("/").content.decode()
    for english_text, vietnamese_text in HOME_PAGE_TEXTS:
        assert vietnamese_text in page
        assert english_text not in page
