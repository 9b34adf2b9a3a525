"""Demo data: three made-up trusts, a persona for every role and a year of incidents.

Everything is created through the same services a real user's actions go through, so the demo
has a true audit trail. Loading is idempotent: a second run keeps what is there.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from staffsafe.accounts.models import Role, User
from staffsafe.aftercare.demo import load_demo_aftercare
from staffsafe.datastandard import codes
from staffsafe.incidents import services as incident_services
from staffsafe.organisations import services as org_services
from staffsafe.organisations.models import Trust, Unit
from staffsafe.standard.services import demo_self_assessment

DEMO_PASSWORD = "staffsafe-demo"  # noqa: S105 - demo mode only, printed for people to use


@dataclass(frozen=True)
class DemoTrust:
    ods: str
    name: str
    sector: str
    region: str
    slug: str
    yearly_incidents: int
    sites: dict[str, list[tuple[str, str, str]]]  # site -> [(unit, kind, setting)]
    headcounts: dict[str, int]
    category_weights: dict[str, int]
    medical_share: float


TRUSTS = [
    DemoTrust(
        "DEMA1", "Northfield Hospitals NHS Foundation Trust (demo)", "acute", "north_west",
        "acute", 420,
        {"Northfield General Hospital": [
            ("Emergency Department", "department", "emergency_department"),
            ("Ward 7 (Acute Medicine)", "ward", "inpatient_ward"),
            ("Ward 12 (Older People)", "ward", "inpatient_ward"),
            ("Main Reception", "department", "reception_waiting_area"),
        ], "Eastgate Community Hospital": [
            ("Outpatients", "department", "outpatient_clinic"),
            ("Car Parks and Grounds", "team", "car_park_outdoor"),
        ]},
        {"registered_nurse_midwife": 2100, "nursing_healthcare_assistant": 1200,
         "medical_dental": 950, "allied_health_professional": 600, "admin_clerical": 1400,
         "estates_ancillary": 700, "healthcare_scientist": 250, "general_management": 120},
        {"verbal_abuse_threat": 55, "physical_assault": 22, "physical_threat_no_contact": 10,
         "harassment_stalking": 4, "sexual_unwanted_behaviour": 4, "remote_abuse": 3,
         "damage_theft_with_aggression": 2},
        0.55,
    ),
    DemoTrust(
        "DEMM1", "Riverside Mental Health NHS Trust (demo)", "mental_health_learning_disability",
        "midlands", "mental-health", 560,
        {"Riverside Centre": [
            ("Willow Ward (Acute Adult)", "ward", "inpatient_ward"),
            ("Oak Ward (Psychiatric Intensive Care)", "ward", "inpatient_ward"),
            ("Health-Based Place of Safety", "department", "seclusion_place_of_safety"),
        ], "Community Bases": [
            ("Crisis Resolution Team", "team", "patient_home_community"),
            ("Community Mental Health Team North", "team", "patient_home_community"),
        ]},
        {"registered_nurse_midwife": 1300, "nursing_healthcare_assistant": 1100,
         "medical_dental": 260, "allied_health_professional": 380, "social_care": 150,
         "admin_clerical": 600, "estates_ancillary": 200},
        {"physical_assault": 45, "verbal_abuse_threat": 35, "physical_threat_no_contact": 10,
         "sexual_unwanted_behaviour": 5, "sexual_assault": 1, "harassment_stalking": 2,
         "damage_theft_with_aggression": 2},
        0.8,
    ),
    DemoTrust(
        "DEMB1", "Southern Coast Ambulance Service NHS Trust (demo)", "ambulance", "south_east",
        "ambulance", 260,
        {"Headquarters": [
            ("Emergency Operations Centre", "control_room", "call_centre_remote"),
            ("NHS 111 Call Centre", "control_room", "call_centre_remote"),
        ], "Coastal Division": [
            ("Harbour Station", "station", "ambulance_vehicle_roadside"),
            ("Downs Station", "station", "ambulance_vehicle_roadside"),
        ]},
        {"ambulance_operational": 2400, "ambulance_control_call_handling": 800,
         "patient_transport": 450, "admin_clerical": 350, "estates_ancillary": 120},
        {"verbal_abuse_threat": 45, "remote_abuse": 20, "physical_assault": 22,
         "physical_threat_no_contact": 8, "sexual_unwanted_behaviour": 4, "harassment_stalking": 1},
        0.45,
    ),
]

# Violence follows the working day: more in the afternoon and evening, and at weekends.
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 8, 7, 6, 4, 3]
FEEDBACK = [
    "Thank you for reporting this. We have updated the care plan and the team has been briefed.",
    "Thank you. Security patrols have been increased at this time of day.",
    "The police have been informed and we have written to the person about their behaviour.",
    "We have discussed this at the team safety huddle and reviewed staffing on this shift.",
]


def _persona(username: str, first: str, last: str, role: str, trust: Trust | None,
             units: list[Unit], staff_group: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "role": role, "trust": trust,
                  "staff_group": staff_group, "is_persona": True,
                  "email": f"{username}@demo.staffsafe.invalid"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.units.set(units)
    return user


def _organisation(spec: DemoTrust, admin: User | None) -> tuple[Trust, list[Unit]]:
    trust = org_services.trust_create(actor=admin, ods_code=spec.ods, name=spec.name,
                                      sector=spec.sector, region=spec.region)
    units = []
    for site_name, unit_specs in spec.sites.items():
        site = org_services.site_create(actor=admin, trust=trust, name=site_name)
        for unit_name, kind, setting in unit_specs:
            units.append(org_services.unit_create(actor=admin, site=site, name=unit_name,
                                                  kind=kind, default_setting=setting))
    month = timezone.localdate().replace(day=1)
    for months_back in range(13):
        if months_back:
            month = (month - timedelta(days=1)).replace(day=1)
        for group in codes.STAFF_GROUP.values:  # 0 where the trust has no such staff
            count = spec.headcounts.get(group, 0)
            org_services.headcount_set(actor=admin, trust=trust, staff_group=group, month=month,
                                       headcount=count + (months_back * 7) % 40 if count else 0)
    return trust, units


def _people(spec: DemoTrust, trust: Trust, units: list[Unit]) -> dict[str, User]:
    group = next(iter(spec.headcounts))
    return {
        "reporter": _persona(f"reporter.{spec.slug}", "Sam", "Reporter", Role.REPORTER, trust,
                             units[:1], group),
        "manager": _persona(f"manager.{spec.slug}", "Morgan", "Manager", Role.MANAGER, trust,
                            units[: len(units) // 2 + 1], group),
        "lead": _persona(f"lead.{spec.slug}", "Lee", "Lead", Role.LEAD, trust, [],
                         "general_management"),
        "trust_admin": _persona(f"admin.{spec.slug}", "Ash", "Admin", Role.TRUST_ADMIN, trust,
                                [], "admin_clerical"),
    }


def _occurred_at(rng: random.Random, now: datetime) -> datetime:
    while True:
        day = now - timedelta(days=rng.uniform(0, 365))
        weekend = day.weekday() >= 5
        if rng.random() < (1.0 if weekend else 0.8):
            break
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    local = timezone.localtime(day).replace(hour=hour, minute=rng.randrange(60), second=0,
                                            microsecond=0)
    return min(local, now - timedelta(minutes=5))


def _incident_values(rng: random.Random, spec: DemoTrust, occurred: datetime) -> dict[str, Any]:
    category = rng.choices(list(spec.category_weights),
                           weights=list(spec.category_weights.values()))[0]
    patient = rng.random() < (0.85 if spec.sector != "ambulance" else 0.6)
    return {
        "category": category, "occurred_at": occurred,
        "reporter_role": rng.choices(["victim", "witness", "manager"], [80, 15, 5])[0],
        "perpetrator_type": "patient_service_user" if patient else rng.choice(
            ["relative_carer_visitor", "member_of_public", "unknown"]),
        "factors": rng.sample(["alcohol", "drugs", "mental_health_crisis", "dementia_delirium",
                               "waiting_time_dissatisfaction", "refused_request_treatment",
                               "low_staffing"], k=rng.choice([0, 1, 1, 2])),
        "police_informed": rng.random() < (0.35 if category == "physical_assault" else 0.08),
        "description": "Made-up demo incident.",
        "confidential": rng.random() < 0.05,
    }


def _staff(rng: random.Random, spec: DemoTrust, category: str) -> list[dict[str, Any]]:
    injured = category in ("physical_assault", "sexual_assault") and rng.random() < 0.45
    return [{
        "staff_group": rng.choices(list(spec.headcounts),
                                   weights=list(spec.headcounts.values()))[0],
        "injury": injured, "lone_working": rng.random() < (0.3 if spec.sector != "acute" else 0.08),
        "injury_severity": rng.choices(["low", "moderate", "severe"], [70, 25, 5])[0]
        if injured else "",
        "days_absent": rng.choice([0, 0, 0, 1, 2, 4, 9]) if injured else None,
    }]


def _completion(rng: random.Random, spec: DemoTrust, incident: Any) -> dict[str, Any]:
    staff = list(incident.staff.all())
    injured = any(m.injury for m in staff)
    physical = incident.category == "physical_assault"
    specified = any(m.injury_severity == "severe" or (m.days_absent or 0) > 7 for m in staff)
    return {
        "feedback": rng.choice(FEEDBACK),
        "medical_factors": incident.perpetrator_type == "patient_service_user"
        and rng.random() < spec.medical_share,
        "method": rng.sample(["hit_punch", "kick", "push_pull", "spit", "scratch", "bite"],
                             k=rng.choice([1, 1, 2])) if physical else [],
        "police_outcome": rng.choice(["pending", "no_further_action", "charged", "caution"])
        if incident.police_informed else "",
        "riddor_reportable": (specified if physical and injured else None),
        "debrief_offered": rng.random() < 0.7,
        "wellbeing_conversation_offered": rng.random() < 0.6,
    }


def _incidents(spec: DemoTrust, trust: Trust, units: list[Unit], people: dict[str, User],
               rng: random.Random) -> int:
    now = timezone.now()
    colleagues = [people["reporter"], people["manager"]]
    hotspot = units[1]  # one unit is a hotspot, as real data so often shows
    for _ in range(spec.yearly_incidents):
        occurred = _occurred_at(rng, now)
        unit = hotspot if rng.random() < 0.3 else rng.choice(units)
        values = _incident_values(rng, spec, occurred)
        result = incident_services.incident_create(
            actor=rng.choice(colleagues), unit_id=unit.pk, values=values,
            staff=_staff(rng, spec, values["category"]),
            reported_at=min(occurred + timedelta(hours=rng.choice([1, 2, 6, 20, 48])), now),
        )
        age = now - occurred
        if age > timedelta(days=3):
            incident = result.incident
            status = "closed" if age > timedelta(days=14) else "in_review"
            incident_services.incident_update(
                actor=people["lead"], incident=incident, expected_version=incident.version,
                changes=_completion(rng, spec, incident), status=status)
    return spec.yearly_incidents


def _returns(trust: Trust, lead: User) -> None:
    """Send the last six months' returns, built from the incidents; the worker loads them."""
    from staffsafe.collection.services import return_build_from_incidents

    month = timezone.localdate().replace(day=1)
    for _ in range(6):
        month = (month - timedelta(days=1)).replace(day=1)
        return_build_from_incidents(actor=lead, trust=trust, period_start=month)


def load_demo(*, seed: int = 2017) -> dict[str, int]:
    """Create the demo if it is not there; report what exists. Safe to run again."""
    rng = random.Random(seed)
    national_admin = _persona("admin.national", "Nat", "Admin", Role.NATIONAL_ADMIN, None, [])
    _persona("analyst.national", "Ana", "Analyst", Role.NATIONAL_ANALYST, None, [])
    created = 0
    for spec in TRUSTS:
        if Trust.objects.filter(ods_code=spec.ods).exists():
            continue
        with transaction.atomic():
            trust, units = _organisation(spec, national_admin)
            people = _people(spec, trust, units)
            created += _incidents(spec, trust, units, people, rng)
            load_demo_aftercare(trust=trust, lead=people["lead"], rng=rng)
            demo_self_assessment(trust=trust, lead=people["lead"])
            _returns(trust, people["lead"])
    return {"incidents_created": created, "trusts": Trust.objects.count()}


def sign_in_help() -> list[str]:
    return [
        "Sign in as any demo person at http://127.0.0.1:8000/demo/personas/",
        f"or with a username and the password '{DEMO_PASSWORD}':",
        *[f"  {u.username:<24} {u.get_role_display()}"
          for u in User.objects.filter(is_persona=True).order_by("trust__name", "role")],
    ]


