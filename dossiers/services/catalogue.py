"""Loading the award catalogue from its YAML fixtures.

The fixtures (``dossiers/fixtures/catalogue/``) are the seed; the database is
the truth afterwards. Loading creates a regulation that is not there yet and
leaves an existing one alone (an administrator may have edited it), unless
``replace`` is asked for.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import yaml
from django.db import transaction

from dossiers.eligibility.vocabulary import validate_criterion
from dossiers.models import AwardType, Criterion, DocumentType, Regulation, RequiredDocument

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "catalogue"
REGULATION_FILES = ("nd98_2023.yaml", "nd152_2025.yaml")
AWARD_FIELDS = ("name", "category", "subject", "kinds", "authority", "forwarded", "public_notice",
                "cash_multiple", "rank", "basis_for_higher", "legal_basis", "notes", "is_active")


@dataclass
class LoadResult:
    regulation: str
    created: bool
    award_types: int


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def expand_awards(data: dict) -> list[dict]:
    """One dict per catalogue row: variants expanded, document sets resolved."""
    sets = data.get("document_sets", {})
    rows = []
    for award in data["awards"]:
        variants = award.get("variants") or [{}]
        for variant in variants:
            row = copy.deepcopy({k: v for k, v in award.items() if k != "variants"})
            row.update(copy.deepcopy(variant))
            row["code"] = award["code"] + variant.get("suffix", "")
            row.pop("suffix", None)
            docs: dict[str, list[str]] = {}
            for kind, codes in sets.get(row.pop("documents", None) or "", {}).items():
                docs.setdefault(kind, []).extend(codes)
            for kind, codes in (row.pop("extra_documents", None) or {}).items():
                docs.setdefault(kind, []).extend(codes)
            kinds = row.get("kinds", [])
            row["required_documents"] = [
                (kind, "", code) for kind, codes in docs.items() if kind in kinds for code in codes
            ]
            for kind, codes in sets.get("enterprise", {}).items():
                if kind in kinds and row.get("authority") != "unit_head":
                    row["required_documents"] += [(kind, "enterprise", code) for code in codes]
            row["criteria"] = copy.deepcopy(data.get("common_criteria", [])) + (row.get("criteria") or [])
            rows.append(row)
    return rows


def regulation_data(filename: str) -> tuple[dict, list[dict]]:
    """(regulation header, award rows) of a fixture file, following ``inherits``."""
    data = _read(CATALOGUE_DIR / filename)
    if "inherits" in data:
        _, rows = regulation_data(data["inherits"])
        overrides = data.get("overrides", {})
        note = data.get("carried_over_note", "")
        for row in rows:
            if row["code"] in overrides:
                row.update(overrides[row["code"]])
            elif note:
                row["notes"] = (row.get("notes", "") + " " + note).strip()
        unknown = set(overrides) - {row["code"] for row in rows}
        if unknown:
            raise ValueError(f"{filename}: overrides for unknown awards {sorted(unknown)}")
        return data["regulation"], rows
    return data["regulation"], expand_awards(data)


def load_document_types() -> dict[str, DocumentType]:
    result = {}
    for item in _read(CATALOGUE_DIR / "document_types.yaml"):
        doc_type, _ = DocumentType.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "per_nomination": item["per_nomination"], "order": item["order"]},
        )
        result[doc_type.code] = doc_type
    return result


def _create_criteria(award_type: AwardType, nodes: list[dict], parent: Criterion | None = None) -> None:
    for order, node in enumerate(nodes):
        params = node.get("params", {}) or {}
        validate_criterion(node["key"], params)
        criterion = Criterion.objects.create(
            award_type=award_type, parent=parent, key=node["key"], params=params,
            description=node["text"], order=order,
        )
        if node.get("children"):
            _create_criteria(award_type, node["children"], criterion)


def _vote_fields(vote: dict | None) -> dict:
    if not vote:
        return {"vote_required": False, "vote_threshold_numerator": 1, "vote_threshold_denominator": 2,
                "vote_threshold_strict": True, "vote_base": "all_members"}
    threshold = Fraction(vote["threshold"])
    return {
        "vote_required": True,
        "vote_threshold_numerator": threshold.numerator,
        "vote_threshold_denominator": threshold.denominator,
        "vote_threshold_strict": not vote.get("at_least", True),
        "vote_base": vote.get("base", "all_members"),
    }


@transaction.atomic
def load_regulation(filename: str, *, replace: bool = False,
                    document_types: dict[str, DocumentType] | None = None) -> LoadResult:
    header, rows = regulation_data(filename)
    document_types = document_types or load_document_types()
    regulation = Regulation.objects.filter(code=header["code"]).first()
    if regulation is not None and not replace:
        return LoadResult(regulation.code, False, regulation.award_types.count())
    defaults = {"name": header["name"], "effective_from": header["effective_from"],
                "effective_to": header.get("effective_to"), "notes": header.get("notes", "")}
    regulation, created = Regulation.objects.update_or_create(code=header["code"], defaults=defaults)
    for row in rows:
        fields = {name: row[name] for name in AWARD_FIELDS if name in row}
        fields["public_notice_required"] = fields.pop("public_notice", False)
        if "cash_multiple" in fields and fields["cash_multiple"] is not None:
            fields["cash_multiple"] = Decimal(str(fields["cash_multiple"]))
        fields.update(_vote_fields(row.get("vote")))
        award_type, _ = AwardType.objects.update_or_create(regulation=regulation, code=row["code"], defaults=fields)
        award_type.full_clean()
        award_type.required_documents.all().delete()
        RequiredDocument.objects.bulk_create(
            RequiredDocument(award_type=award_type, award_kind=kind, unit_kind=unit_kind,
                             document_type=document_types[code])
            for kind, unit_kind, code in dict.fromkeys(row["required_documents"])
        )
        award_type.criteria.all().delete()
        _create_criteria(award_type, row["criteria"])
    return LoadResult(regulation.code, created, len(rows))


def load_catalogue(*, replace: bool = False) -> list[LoadResult]:
    document_types = load_document_types()
    return [load_regulation(name, replace=replace, document_types=document_types) for name in REGULATION_FILES]
