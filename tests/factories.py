"""Factories for the test suite's trusts, units, people and incidents."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from staffsafe.accounts.models import Role, User
from staffsafe.incidents import services
from staffsafe.organisations.models import Site, Trust, Unit


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("ods_code",)

    ods_code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Trust {o.ods_code} NHS Trust")
    sector = "acute"
    region = "london"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Site {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    site = factory.SubFactory(SiteFactory)
    trust = factory.LazyAttribute(lambda o: o.site.trust)
    name = factory.Sequence(lambda n: f"Ward {n}")
    kind = "ward"
    default_setting = "inpatient_ward"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    role = Role.REPORTER
    trust = factory.SubFactory(TrustFactory)
    staff_group = "registered_nurse_midwife"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def units(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.units.set(extracted)
        if create:
            self.save()


def incident_values(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "category": "verbal_abuse_threat",
        "occurred_at": timezone.now() - timedelta(hours=3),
        "reporter_role": "victim",
        "perpetrator_type": "patient_service_user",
        "description": "Shouted at while giving medication.",
    }
    values.update(overrides)
    return values


def staff_member(**overrides):  # type: ignore[no-untyped-def]
    member = {"staff_group": "registered_nurse_midwife", "injury": False, "lone_working": False}
    member.update(overrides)
    return member


def make_incident(reporter, unit, *, staff=None, **overrides):  # type: ignore[no-untyped-def]
    return services.incident_create(
        actor=reporter, unit_id=unit.pk, values=incident_values(**overrides),
        staff=staff or [staff_member()],
    ).incident
