"""What a dossier must carry, and what it still lacks.

The list comes from the catalogue (``RequiredDocument`` rows per award type,
per kind of commendation and, for some papers, per kind of unit). A document
type marked *per nomination* is needed once per nominee; the others once per
dossier. Two queries whatever the dossier's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from dossiers.models import Attachment, DocumentType, Dossier, Nomination, RequiredDocument


@dataclass(frozen=True)
class Requirement:
    document_type: DocumentType
    nomination: Nomination | None  # None: once for the whole dossier
    satisfied: bool

    @property
    def label(self) -> str:
        if self.nomination is None:
            return self.document_type.name
        return f"{self.document_type.name}: {self.nomination.subject_name}"


def dossier_requirements(dossier: Dossier, nominations: list[Nomination] | None = None) -> list[Requirement]:
    if nominations is None:
        nominations = list(dossier.nominations.select_related("person", "collective", "award_type"))
    if not nominations:
        return []
    award_type_ids = {n.award_type_id for n in nominations}
    rows = (
        RequiredDocument.objects.filter(award_type_id__in=award_type_ids)
        .filter(Q(award_kind="") | Q(award_kind=dossier.kind))
        .filter(Q(unit_kind="") | Q(unit_kind=dossier.unit.kind))
        .select_related("document_type")
    )
    by_award: dict[int, list[DocumentType]] = {}
    for row in rows:
        by_award.setdefault(row.award_type_id, []).append(row.document_type)

    present_dossier: set[int] = set()
    present_nomination: set[tuple[int, int]] = set()
    for doc_type_id, nomination_id in Attachment.objects.filter(dossier=dossier).values_list(
        "document_type_id", "nomination_id"
    ):
        if nomination_id is None:
            present_dossier.add(doc_type_id)
        else:
            present_nomination.add((doc_type_id, nomination_id))

    requirements: list[Requirement] = []
    dossier_level: dict[int, DocumentType] = {}
    for nomination in nominations:
        for doc_type in by_award.get(nomination.award_type_id, []):
            if doc_type.per_nomination:
                requirements.append(
                    Requirement(doc_type, nomination, (doc_type.id, nomination.id) in present_nomination)
                )
            else:
                dossier_level[doc_type.id] = doc_type
    dossier_reqs = [
        Requirement(doc_type, None, doc_type.id in present_dossier)
        for doc_type in sorted(dossier_level.values(), key=lambda d: (d.order, d.code))
    ]
    return dossier_reqs + requirements


def missing_documents(dossier: Dossier, nominations: list[Nomination] | None = None) -> list[Requirement]:
    return [r for r in dossier_requirements(dossier, nominations) if not r.satisfied]
