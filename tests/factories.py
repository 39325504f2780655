"""factory_boy factories for the whole suite.

Award types are not made up here: they come from the seeded catalogue
(``award("CSTD_TINH")``), so tests exercise the rules as the product ships them.
"""

from __future__ import annotations

import io

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import (
    AwardType,
    Collective,
    DocumentType,
    Dossier,
    Nomination,
    Person,
    Province,
    SignerCapacity,
    Unit,
    UnitKind,
    User,
)

DEFAULT_REGULATION = "ND152_2025"
PASSWORD = "Mat-khau-thu-2026"


def award(code: str, regulation: str = DEFAULT_REGULATION) -> AwardType:
    return AwardType.objects.get(regulation__code=regulation, code=code)


def document_type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "LCH"
    name = "Tỉnh Lai Châu"
    place_name = "Lai Châu"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"DV{n:04d}")
    name = factory.Sequence(lambda n: f"Đơn vị thử nghiệm số {n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Văn A"
    last_name = factory.Sequence(lambda n: f"Nguyễn{n}")
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _generate(cls, strategy, params):
        """A signer signs as Chairman unless the test says otherwise (``signer_capacity=...``, "" for unset)."""
        if "signer" in {str(role) for role in params.get("roles") or ()} and "signer_capacity" not in params:
            params = {**params, "signer_capacity": SignerCapacity.CHAIRMAN}
        return super()._generate(strategy, params)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            group, _ = Group.objects.get_or_create(name=str(role))
            self.groups.add(group)
        if create:
            self.save()
        self.__dict__.pop("roles", None)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    unit = factory.SubFactory(UnitFactory)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    gender = "male"
    birth_year = 1980
    position = "Chuyên viên"


class CollectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collective

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Phòng Thử nghiệm {n}")


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    unit = factory.SubFactory(UnitFactory)
    kind = "regular"
    year = 2025
    title = factory.Sequence(lambda n: f"Đề nghị khen thưởng năm 2025 số {n}")
    created_by = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..unit"))


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    dossier = factory.SubFactory(DossierFactory)
    person = factory.SubFactory(PersonFactory, unit=factory.SelfAttribute("..dossier.unit"))
    award_type = factory.LazyFunction(lambda: award("BK_TINH_CN"))
    achievement_summary = "Hoàn thành xuất sắc nhiệm vụ được giao."


# Smallest valid files of each accepted kind, built in memory.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def pdf_upload(name: str = "to-trinh.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()
