"""Nominees: individuals and collectives, each belonging to one unit.

Personal data is kept to what a proposal prints and eligibility needs: name,
gender (ties favour women), year of birth and position. No ID numbers, no
addresses. People are only ever read through unit-scoped selectors.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models.fields import NFCCharField
from dossiers.text import fold, person_sort_key, phrase_key


class Gender(models.TextChoices):
    FEMALE = "female", _("Nữ")
    MALE = "male", _("Nam")


class Person(models.Model):
    unit = models.ForeignKey(
        "dossiers.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="people"
    )
    full_name = NFCCharField(_("họ và tên"), max_length=150)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    position = NFCCharField(_("chức vụ, đơn vị công tác"), max_length=255, blank=True)
    collective = models.ForeignKey(
        "dossiers.Collective",
        verbose_name=_("thuộc tập thể"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    sort_key = models.CharField(max_length=600, editable=False, default="", db_index=True)
    search_key = models.CharField(max_length=150, editable=False, default="", db_index=True)

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")
        ordering = ["sort_key", "id"]
        indexes = [models.Index(fields=["unit", "search_key"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.sort_key = person_sort_key(self.full_name)
        self.search_key = fold(self.full_name)
        super().save(*args, **kwargs)


class CollectiveKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    HOUSEHOLD = "household", _("Hộ gia đình")


class Collective(models.Model):
    unit = models.ForeignKey(
        "dossiers.Unit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="collectives",
    )
    name = NFCCharField(_("tên tập thể"), max_length=255)
    kind = models.CharField(
        _("loại"), max_length=20, choices=CollectiveKind.choices, default=CollectiveKind.COLLECTIVE
    )
    sort_key = models.CharField(max_length=800, editable=False, default="", db_index=True)
    search_key = models.CharField(max_length=255, editable=False, default="", db_index=True)

    class Meta:
        verbose_name = _("tập thể")
        verbose_name_plural = _("tập thể")
        ordering = ["sort_key", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.sort_key = phrase_key(self.name)
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)


class SubjectQuerySet(models.QuerySet):
    def for_subject(self, subject):
        if isinstance(subject, Person):
            return self.filter(person=subject)
        return self.filter(collective=subject)


class SubjectMixin(models.Model):
    """A record about exactly one individual or one collective."""

    person = models.ForeignKey(
        Person, verbose_name=_("cá nhân"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="%(class)ss",
    )
    collective = models.ForeignKey(
        Collective, verbose_name=_("tập thể"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="%(class)ss",
    )

    objects = SubjectQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, collective__isnull=True)
                    | models.Q(person__isnull=True, collective__isnull=False)
                ),
                name="%(class)s_one_subject",
            )
        ]

    @property
    def subject(self):
        return self.person if self.person_id else self.collective

    @property
    def subject_name(self) -> str:
        subject = self.subject
        return subject.full_name if self.person_id else subject.name
