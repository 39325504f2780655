"""The export package of a central submission: a ZIP ready to upload to the Ministry's dossier system.

    manifest.json                                  what is inside, with SHA-256 and size of every file
    to-trinh/TTr-01-UBND.pdf                       the province's TTr-UBND (``render_document``)
    quyet-dinh/qd-07-ubnd-2026.pdf                 the Chairman's decision(s) agreeing to propose the items upward
    bien-ban/01-bien-ban-01-bb-hdtdkt.pdf          the signed council minutes where the items were voted on
    ho-so/01-HS-2025-00001/01-to-trinh.pdf         a dossier's own documents (shared by its nominees)
    de-nghi/001-dang-van-tung/00-bao-cao-thanh-tich.pdf   the nominee's achievement report, generated
    de-nghi/001-dang-van-tung/01-bao-cao-thanh-tich.pdf   a nominee's uploaded documents
    tai-lieu-bo-sung/gui-lan-dau/01-xac-nhan-thue.pdf     documents added to the submission itself
    tai-lieu-bo-sung/tra-lai-lan-1/01-xac-nhan-thue.pdf   ... to answer the Ministry's first return

Paths inside the ZIP are generated: a number, then an ASCII slug. Uploaded
names are data (``original_name`` in the manifest), never a path, so a name
like ``../../etc/passwd`` or ``C:\\x.pdf`` cannot leave its folder. Every
uploaded file is read once; its bytes must still match the SHA-256 stored when
it was uploaded, or the package is refused (a changed file is not sent on).

Generated documents: a signed decision is the file first made of it after
signing (``dossiers.documents.store.frozen``), as published; any other is
taken from the cache by content hash, or rendered now. The minutes come from
the councils app through ``dossiers.documents.council_minutes`` (this app
does not import ``councils``).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from typing import IO

from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.documents.council_minutes import minutes_for
from dossiers.exceptions import DomainError
from dossiers.models import Attachment, CentralAttachment, CentralSubmission, Decision, DecisionItem, DecisionState
from dossiers.text import fold
from dossiers.views.attachments import content_disposition

FORMAT = "tdkt-central-package/2"
SUPPLEMENTS = "tai-lieu-bo-sung"
SLUG_LENGTH = 60
EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")
EXTENSIONS_BY_TYPE = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def slug(text: str, fallback: str = "tep") -> str:
    """ASCII, lower case, words joined by "-", at most 60 characters: "Đặng Văn Tùng" -> "dang-van-tung"."""
    words = re.findall(r"[a-z0-9]+", fold(text or "").replace("đ", "d"))
    result = "-".join(words)[:SLUG_LENGTH].strip("-")
    return result or fallback


def safe_file_name(index: int, attachment: Attachment) -> str:
    """``01-bao-cao-thanh-tich.pdf``: numbered, slugged stem, an extension of letters and digits only."""
    name = (attachment.original_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.lower()
    if not EXTENSION.match(extension):
        extension = EXTENSIONS_BY_TYPE.get(attachment.content_type, "bin")
    return f"{index:02d}-{slug(stem, 'tai-lieu')}.{extension}"


def _unchanged(stored) -> bytes | None:
    """The stored file's bytes if they still match its SHA-256 and size; None if they do not."""
    with stored.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != stored.sha256 or len(content) != stored.size:
        return None
    return content


def _read(attachment: Attachment) -> bytes:
    content = _unchanged(attachment)
    if content is None:
        raise DomainError("file_changed", _("Tài liệu “%(name)s” của hồ sơ %(dossier)s không còn khớp mã băm lưu khi "
                                            "tải lên; không đóng gói được. Hãy tải lại tài liệu này.")
                          % {"name": attachment.original_name, "dossier": attachment.dossier.reference})
    return content


def _read_supplement(attachment: CentralAttachment) -> bytes:
    content = _unchanged(attachment)
    if content is None:
        raise DomainError("file_changed", _("Tài liệu “%(name)s” của hồ sơ trình không còn khớp mã băm lưu khi tải "
                                            "lên; không đóng gói được. Hãy tải lại tài liệu này.")
                          % {"name": attachment.original_name})
    return content


def official_pdf(kind: str, obj) -> tuple[bytes, str]:
    """An official document's PDF and file name: as published if it is a signed record, else cached or new."""
    from dossiers.documents import official, store

    prepared = official.prepare(kind, obj)
    kept = store.frozen(prepared) or store.cached(prepared.content_hash)
    if kept is not None:
        with kept.file.open("rb") as handle:
            return handle.read(), prepared.filename
    return official.render.pdf_from_parts(prepared.parts), prepared.filename


def round_folder(number: int) -> str:
    return f"{SUPPLEMENTS}/gui-lan-dau" if number == 0 else f"{SUPPLEMENTS}/tra-lai-lan-{number}"


def forwarding_decisions(nomination_ids) -> dict[int, tuple[Decision, list[int]]]:
    """The Chairman's signed decisions that agreed to propose these nominations upward, with the ones each listed."""
    found: dict[int, tuple[Decision, list[int]]] = {}
    links = (DecisionItem.objects.filter(nomination_id__in=nomination_ids, forwarded=True,
                                         decision__state__in=[DecisionState.SIGNED, DecisionState.REVOKED])
             .select_related("decision", "decision__province").order_by("decision__decision_date", "decision_id"))
    for link in links:
        found.setdefault(link.decision_id, (link.decision, []))[1].append(link.nomination_id)
    return found


def package_name(submission: CentralSubmission) -> str:
    label = slug(submission.number, "") if submission.number else f"du-thao-{submission.pk}"
    return f"goi-ho-so-trinh-trung-uong-{label}.zip"


def build_package(submission: CentralSubmission, out: IO[bytes]) -> dict:
    """Write the ZIP into ``out`` (a binary file); return its manifest."""
    from dossiers.documents import official

    items = list(submission.items.select_related(
        "nomination", "nomination__award_type", "nomination__person", "nomination__collective",
        "nomination__dossier", "nomination__dossier__unit").order_by("position", "id"))
    nomination_ids = [item.nomination_id for item in items]
    dossier_ids = sorted({item.nomination.dossier_id for item in items})
    attachments = list(
        Attachment.objects.filter(Q(dossier_id__in=dossier_ids, nomination__isnull=True)
                                  | Q(nomination_id__in=nomination_ids))
        .select_related("document_type", "dossier").order_by("document_type__order", "id")
    )
    supplements = list(submission.attachments.select_related("nomination").order_by("return_round", "id"))
    positions = {item.nomination_id: number for number, item in enumerate(items, start=1)}
    manifest_files: list[dict] = []
    stamp = timezone.localtime().timetuple()[:6]

    def add(archive, path: str, content: bytes, **about) -> str:
        archive.writestr(zipfile.ZipInfo(path, date_time=stamp), content, compress_type=zipfile.ZIP_DEFLATED)
        entry = {"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest(), **about}
        manifest_files.append(entry)
        return path

    with zipfile.ZipFile(out, "w") as archive:
        prepared = official.prepare("central-submission", submission)
        pdf = official.render.pdf_from_parts(prepared.parts)
        document_path = f"to-trinh/{slug(prepared.filename.removesuffix('.pdf'), 'to-trinh')}.pdf"
        add(archive, document_path, pdf, kind="TTr-UBND", original_name=prepared.filename,
            content_type="application/pdf")

        # The Chairman's decisions (QĐ-UBND) that agreed to propose the items upward.
        decisions, decision_paths = [], {}
        for decision, listed in forwarding_decisions(nomination_ids).values():
            content, filename = official_pdf("decision", decision)
            path = add(archive, f"quyet-dinh/{slug(filename.removesuffix('.pdf'), 'quyet-dinh')}.pdf", content,
                       kind="QĐ-UBND", original_name=filename, content_type="application/pdf")
            decisions.append({"number": decision.number, "date": _iso(decision.decision_date), "path": path,
                              "nominees": [positions[pk] for pk in listed]})
            for pk in listed:
                decision_paths.setdefault(pk, []).append(path)

        # The signed council minutes (BB-HĐTĐKT) of the sessions that voted on them.
        minutes, minutes_paths = [], {}
        for index, document in enumerate(minutes_for(nomination_ids), start=1):
            stem = slug(f"bien-ban-{document.number}" if document.number else document.filename.removesuffix(".pdf"),
                        "bien-ban")
            path = add(archive, f"bien-ban/{index:02d}-{stem}.pdf", document.content, kind="BB-HĐTĐKT",
                       original_name=document.filename, content_type="application/pdf")
            minutes.append({"number": document.number, "date": _iso(document.date),
                            "session_date": _iso(document.session_date), "title": document.title, "path": path,
                            "nominees": [positions[pk] for pk in document.nomination_ids]})
            for pk in document.nomination_ids:
                minutes_paths.setdefault(pk, []).append(path)

        dossier_folders = {}
        for index, dossier_id in enumerate(dossier_ids, start=1):
            dossier = next(item.nomination.dossier for item in items if item.nomination.dossier_id == dossier_id)
            dossier_folders[dossier_id] = f"ho-so/{index:02d}-{slug(dossier.reference, 'ho-so')}"
        nominee_folders = {item.nomination_id: f"de-nghi/{number:03d}-{slug(item.nomination.subject_name)}"
                           for number, item in enumerate(items, start=1)}

        # Each nominee's achievement report, generated from what the unit entered.
        reports = {}
        for item in items:
            content, filename = official_pdf("achievement-report", item.nomination)
            reports[item.nomination_id] = add(
                archive, f"{nominee_folders[item.nomination_id]}/00-bao-cao-thanh-tich.pdf", content,
                kind="achievement-report", original_name=filename, content_type="application/pdf",
                dossier=item.nomination.dossier.reference)

        shared: dict[int, list[str]] = {}
        own: dict[int, list[str]] = {}
        counters: dict[str, int] = {}
        for attachment in attachments:
            if attachment.nomination_id is None:
                folder, bucket, key = dossier_folders[attachment.dossier_id], shared, attachment.dossier_id
            else:
                folder, bucket, key = nominee_folders[attachment.nomination_id], own, attachment.nomination_id
            counters[folder] = counters.get(folder, 0) + 1
            path = f"{folder}/{safe_file_name(counters[folder], attachment)}"
            add(archive, path, _read(attachment), kind="attachment", original_name=attachment.original_name,
                content_type=attachment.content_type, document_type=attachment.document_type.code,
                document_type_name=attachment.document_type.name, dossier=attachment.dossier.reference)
            bucket.setdefault(key, []).append(path)

        # Documents added to the submission itself, by the sending they went (or go) with.
        supplement_rows = []
        for attachment in supplements:
            folder = round_folder(attachment.return_round)
            counters[folder] = counters.get(folder, 0) + 1
            path = add(archive, f"{folder}/{safe_file_name(counters[folder], attachment)}", _read_supplement(attachment),
                       kind="supplement", original_name=attachment.original_name,
                       content_type=attachment.content_type, label=attachment.label,
                       return_round=attachment.return_round,
                       nominee=positions.get(attachment.nomination_id) if attachment.nomination_id else None)
            supplement_rows.append({"path": path, "label": attachment.label, "return_round": attachment.return_round,
                                    "nominee": positions.get(attachment.nomination_id)})
            if attachment.nomination_id:
                own.setdefault(attachment.nomination_id, []).append(path)

        nominees = []
        for number, item in enumerate(items, start=1):
            nomination = item.nomination
            nominees.append({
                "position": number,
                "name": nomination.subject_name,
                "subject": "collective" if nomination.collective_id else "individual",
                "unit": nomination.dossier.unit.name,
                "award_code": nomination.award_type.code,
                "award": nomination.award_type.name,
                "authority": nomination.award_type.authority,
                "year": nomination.dossier.year,
                "dossier": nomination.dossier.reference,
                "achievement_report": reports[nomination.pk],
                "decisions": decision_paths.get(nomination.pk, []),
                "minutes": minutes_paths.get(nomination.pk, []),
                "files": shared.get(nomination.dossier_id, []) + own.get(nomination.pk, []),
            })
        units = {}
        for item in items:
            unit = item.nomination.dossier.unit
            units.setdefault(unit.pk, {"code": unit.code, "name": unit.name})
        manifest = {
            "format": FORMAT,
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
            "province": submission.province.name,
            "submission": {
                "number": submission.number, "title": submission.title,
                "date": _iso(submission.signed_on), "sent_on": _iso(submission.sent_on),
                "dispatch_number": submission.dispatch_number, "state": submission.state,
                "return_count": submission.return_count,
            },
            "document": document_path,
            "decisions": decisions,
            "minutes": minutes,
            "supplements": supplement_rows,
            "nominees": nominees,
            "units": list(units.values()),
            "awards": sorted({(n["award_code"], n["award"]) for n in nominees}),
            "files": manifest_files,
        }
        manifest["awards"] = [{"code": code, "name": name} for code, name in manifest["awards"]]
        archive.writestr(zipfile.ZipInfo("manifest.json", date_time=stamp),
                         json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
                         compress_type=zipfile.ZIP_DEFLATED)
    return manifest


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def package_response(submission) -> FileResponse:
    """The export package as a download (built in a temporary file, so big attachments stay off the heap)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when the download ends)
    try:
        build_package(submission, out)
    except BaseException:
        out.close()
        raise
    size = out.tell()
    out.seek(0)
    response = FileResponse(out, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(package_name(submission))
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
