import pytest
from django.db import connection

from dossiers.services.catalogue import load_catalogue
from tests.factories import (
    PASSWORD,
    DossierFactory,
    ProvinceFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the shipped catalogue."""
    with django_db_blocker.unblock():
        load_catalogue()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return ("transactional_db" in request.fixturenames or "live_server" in request.fixturenames
            or bool(marker and marker.kwargs.get("transaction")))


@pytest.fixture(autouse=True)
def _reseed_for_transactional_tests(request):
    """Transactional tests empty every table after themselves, migration-seeded rows included.

    A later transactional test (pytest-django runs them last) starts from the
    same ground as every other test: the catalogue, the role groups and the
    return reasons.
    """
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    load_catalogue()
    import_module("dossiers.migrations.0002_role_groups").create_groups(apps, None)
    import_module("dossiers.migrations.0004_return_reasons").seed(apps, None)
    import_module("dossiers.migrations.0009_base_salaries").seed(apps, None)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast password hashing; a media folder of its own per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": str(tmp_path)}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def province(db):
    return ProvinceFactory()


@pytest.fixture
def unit(province):
    return UnitFactory(province=province, name="Sở Tài chính")


@pytest.fixture
def other_unit(province):
    return UnitFactory(province=province, name="Báo Lai Châu")


@pytest.fixture
def clerk(unit):
    return UserFactory(unit=unit, roles=["unit_clerk"], username="canbo")


@pytest.fixture
def head(unit):
    return UserFactory(unit=unit, roles=["unit_head"], username="thutruong")


@pytest.fixture
def other_clerk(other_unit):
    return UserFactory(unit=other_unit, roles=["unit_clerk"], username="canbo_khac")


@pytest.fixture
def ha_unit(province):
    return UnitFactory(province=province, name="Sở Nội vụ")


@pytest.fixture
def ha_specialist(ha_unit):
    return UserFactory(unit=ha_unit, roles=["ha_specialist"], username="chuyenvien")


@pytest.fixture
def dossier(unit, clerk):
    return DossierFactory(unit=unit, created_by=clerk)


@pytest.fixture
def password():
    return PASSWORD


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
