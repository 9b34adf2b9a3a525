"""Synthetic national data: made-up trusts and their monthly returns in the data standard.

Pure (no Django): NumPy draws the records, Polars turns them into the standard's text and writes
them. Every figure the generator is calibrated to is a named constant below, with where it comes
from; `docs/synthetic-data.md` explains the model and shows the figures a default run produces.

Shape of the model, for one trust and one month (one *chunk*, generated independently of every
other chunk from its own seed, so the output is the same whatever order or batch it is made in):

1. Expected incidents per category = the sector's reported rate per staff-year x headcount x
   days/365.25 x month effect x trend x the trust's own factor x scale. Physical assaults are
   drawn as the survey-implied true number of attacks, thinned by the sector's reporting fraction.
2. Each incident gets a unit (a site and a setting; a few units are hotspots), a day and hour from
   the sector's weekday x hour profile, a reporting delay, and then every other field of the
   standard conditionally on what came before, always inside the standard's rules.
3. One row per member of staff affected (mostly one, sometimes two or three).

The return for a month holds the incidents *reported* in it; a few occurred before the month and
are flagged `late = true`.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from staffsafe.datastandard import codes, fields

TZ = "Europe/London"

# --------------------------------------------------------------------------------------------
# Published figures (see docs/synthetic-data.md for the sources)
# --------------------------------------------------------------------------------------------
# NHS Protect, reported physical assaults on NHS staff in England, 2015/16.
PUBLISHED_PHYSICAL_ASSAULTS = 70_555
PUBLISHED_MEDICAL_FACTORS = 52_704
PUBLISHED_PHYSICAL_BY_SECTOR = {
    "mental_health_learning_disability": 46_107,
    "acute": 20_018,
    "ambulance": 2_300,
}
PUBLISHED_MEDICAL_BY_SECTOR = {
    "mental_health_learning_disability": 35_440,
    "acute": 14_780,
    "ambulance": 712,
}
# The rest (2,130 assaults, 1,772 with medical factors) is shared by community and other trusts.
REST_SECTORS = ("community", "other")
PUBLISHED_PHYSICAL_REST = PUBLISHED_PHYSICAL_ASSAULTS - sum(PUBLISHED_PHYSICAL_BY_SECTOR.values())
PUBLISHED_MEDICAL_REST = PUBLISHED_MEDICAL_FACTORS - sum(PUBLISHED_MEDICAL_BY_SECTOR.values())
# NHS Staff Survey: staff physically attacked by patients, relatives or the public in 12 months.
SURVEY_PREVALENCE_ALL = 0.143  # 2021, all trusts
SURVEY_PREVALENCE_AMBULANCE = 0.314  # 2021, ambulance trusts
SURVEY_PREVALENCE_MENTAL_HEALTH = 0.21  # 2016, mental health and learning disability trusts

# --------------------------------------------------------------------------------------------
# Modelling assumptions (not published figures; documented as such)
# --------------------------------------------------------------------------------------------
REFERENCE_TRUSTS = 220
SECTOR_TRUSTS = {  # trusts per sector in a universe of 220
    "acute": 128,
    "mental_health_learning_disability": 52,
    "community": 18,
    "ambulance": 10,
    "other": 12,
}
SECTORS = tuple(SECTOR_TRUSTS)
# Survey prevalence for community trusts relative to acute (acute is then solved for 14.3%).
COMMUNITY_PREVALENCE_RELATIVE_TO_ACUTE = 0.6
# Mean number of physical attacks in a year per member of staff attacked at least once.
ATTACKS_PER_VICTIM = {"mental_health_learning_disability": 3.0}
ATTACKS_PER_VICTIM_DEFAULT = 1.5
# Other categories per reported physical assault, by sector.
CATEGORY_RATIO = {
    #                         physical verbal threat harass sexual_u sexual_a remote damage
    "acute":                   (1.0, 5.0, 0.9, 0.15, 0.25, 0.03, 0.2, 0.15),
    "mental_health_learning_disability": (1.0, 2.5, 0.6, 0.05, 0.2, 0.03, 0.05, 0.12),
    "community":               (1.0, 6.0, 1.0, 0.3, 0.3, 0.03, 0.6, 0.1),
    "ambulance":               (1.0, 5.0, 1.0, 0.1, 0.3, 0.03, 3.0, 0.1),
    "other":                   (1.0, 5.0, 0.8, 0.2, 0.2, 0.02, 0.4, 0.1),
}
CATEGORY_ORDER = ("physical_assault", "verbal_abuse_threat", "physical_threat_no_contact",
                  "harassment_stalking", "sexual_unwanted_behaviour", "sexual_assault",
                  "remote_abuse", "damage_theft_with_aggression")
HEADCOUNT = {  # (median, lognormal sigma, minimum, maximum) staff per trust
    "acute": (6_500, 0.45, 3_000, 15_000),
    "mental_health_learning_disability": (4_000, 0.35, 2_000, 7_000),
    "community": (3_300, 0.30, 2_000, 6_000),
    "ambulance": (4_800, 0.25, 3_000, 7_000),
    "other": (2_200, 0.40, 800, 5_000),
}
HEADCOUNT_GROWTH_PER_YEAR = 0.02
TREND_PER_YEAR = 0.04  # reported incidents per member of staff
LATE_SHARE = 0.04  # of a month's reports, the incident happened in an earlier month
# Month effects (January..December), relative; normalised to a mean of 1 over a year's days.
MONTH_EFFECT = (1.05, 0.99, 1.00, 0.97, 0.99, 1.00, 1.03, 1.02, 0.97, 0.99, 0.98, 1.05)
# The trend is centred on the middle of the default run (April 2025 to March 2026).
DEFAULT_START = (2025, 4)
TREND_CENTRE = 2025 * 12 + 3 + 5.5  # months since year 0, January = 0

GROUPS = codes.STAFF_GROUP.values
SETTINGS = codes.SETTING.values
CATEGORIES = codes.CATEGORY.values


def _gi(code: str) -> int:
    return GROUPS.index(code)


def _si(code: str) -> int:
    return SETTINGS.index(code)


def _ci(code: str) -> int:
    return CATEGORIES.index(code)


PHYSICAL = _ci("physical_assault")
# Staff group mix (mean shares) by sector.
GROUP_MIX = {
    "acute": {"registered_nurse_midwife": 0.27, "nursing_healthcare_assistant": 0.14,
              "medical_dental": 0.14, "allied_health_professional": 0.08,
              "healthcare_scientist": 0.04, "admin_clerical": 0.20, "estates_ancillary": 0.09,
              "general_management": 0.02, "other": 0.02},
    "mental_health_learning_disability": {
        "registered_nurse_midwife": 0.25, "nursing_healthcare_assistant": 0.24,
        "medical_dental": 0.05, "allied_health_professional": 0.08, "social_care": 0.04,
        "healthcare_scientist": 0.01, "admin_clerical": 0.20, "estates_ancillary": 0.07,
        "general_management": 0.03, "public_health_commissioning": 0.01, "other": 0.02},
    "community": {"registered_nurse_midwife": 0.30, "nursing_healthcare_assistant": 0.14,
                  "medical_dental": 0.04, "allied_health_professional": 0.18,
                  "healthcare_scientist": 0.01, "social_care": 0.02, "admin_clerical": 0.20,
                  "estates_ancillary": 0.05, "general_management": 0.03,
                  "public_health_commissioning": 0.02, "other": 0.01},
    "ambulance": {"ambulance_operational": 0.58, "ambulance_control_call_handling": 0.14,
                  "patient_transport": 0.07, "registered_nurse_midwife": 0.02,
                  "medical_dental": 0.005, "admin_clerical": 0.12, "estates_ancillary": 0.04,
                  "general_management": 0.03, "other": 0.015},
    "other": {"registered_nurse_midwife": 0.28, "nursing_healthcare_assistant": 0.10,
              "medical_dental": 0.15, "allied_health_professional": 0.10,
              "healthcare_scientist": 0.08, "admin_clerical": 0.20, "estates_ancillary": 0.06,
              "general_management": 0.02, "other": 0.01},
}
# Units per trust: setting -> (minimum, maximum, relative size).
UNIT_TEMPLATE = {
    "acute": {"emergency_department": (1, 2, 6.0), "inpatient_ward": (8, 30, 1.0),
              "outpatient_clinic": (2, 6, 0.6), "reception_waiting_area": (1, 3, 0.8),
              "car_park_outdoor": (1, 1, 0.3), "patient_home_community": (0, 2, 0.5),
              "other": (1, 2, 0.3)},
    "mental_health_learning_disability": {
        "inpatient_ward": (6, 20, 2.0), "seclusion_place_of_safety": (1, 3, 1.5),
        "patient_home_community": (4, 12, 0.5), "outpatient_clinic": (1, 4, 0.3),
        "reception_waiting_area": (1, 1, 0.2), "car_park_outdoor": (1, 1, 0.1),
        "other": (1, 1, 0.2)},
    "community": {"patient_home_community": (6, 15, 1.0), "outpatient_clinic": (3, 8, 0.6),
                  "inpatient_ward": (1, 4, 1.0), "reception_waiting_area": (1, 3, 0.4),
                  "car_park_outdoor": (1, 1, 0.1), "other": (1, 1, 0.2)},
    "ambulance": {"ambulance_vehicle_roadside": (5, 12, 3.0),
                  "patient_home_community": (5, 12, 2.5), "emergency_department": (2, 6, 0.8),
                  "call_centre_remote": (1, 3, 2.0), "car_park_outdoor": (1, 2, 0.2),
                  "other": (1, 1, 0.2)},
    "other": {"inpatient_ward": (3, 10, 1.0), "outpatient_clinic": (2, 6, 1.0),
              "reception_waiting_area": (1, 2, 0.8), "car_park_outdoor": (1, 1, 0.2),
              "other": (1, 1, 0.3)},
}
SITES = {"acute": (2, 5), "mental_health_learning_disability": (3, 8), "community": (4, 10),
         "ambulance": (4, 9), "other": (1, 3)}
HOTSPOT_SHARE, HOTSPOT_MULTIPLIER = 0.06, (4.0, 10.0)
TRUST_FACTOR_SIGMA = 0.3

# Category classes: 0 = physical contact, 1 = face-to-face abuse, 2 = remote abuse.
CATEGORY_CLASS = np.array([{"physical_assault": 0, "sexual_assault": 0,
                            "damage_theft_with_aggression": 0, "remote_abuse": 2}.get(c, 1)
                           for c in CATEGORIES])
# How much more likely an incident of each class happens in each setting.
SETTING_AFFINITY = {
    0: {"emergency_department": 1.5, "inpatient_ward": 1.2, "seclusion_place_of_safety": 3.0,
        "outpatient_clinic": 0.4, "reception_waiting_area": 0.5, "car_park_outdoor": 0.5,
        "ambulance_vehicle_roadside": 1.2, "patient_home_community": 0.9,
        "call_centre_remote": 0.001, "other": 0.5},
    1: {"emergency_department": 1.5, "reception_waiting_area": 2.0, "outpatient_clinic": 1.2,
        "call_centre_remote": 0.3},
    2: {"call_centre_remote": 30.0, "reception_waiting_area": 3.0, "outpatient_clinic": 2.0,
        "other": 2.0, "inpatient_ward": 0.05, "seclusion_place_of_safety": 0.05,
        "emergency_department": 0.05, "ambulance_vehicle_roadside": 0.05,
        "patient_home_community": 0.2, "car_park_outdoor": 0.01},
}
# Relative risk per head of each staff group, by category class.
GROUP_EXPOSURE = {
    0: {"registered_nurse_midwife": 1.6, "nursing_healthcare_assistant": 2.4,
        "medical_dental": 0.5, "allied_health_professional": 0.5, "healthcare_scientist": 0.05,
        "social_care": 0.8, "ambulance_operational": 1.8,
        "ambulance_control_call_handling": 0.02, "patient_transport": 0.5,
        "admin_clerical": 0.1, "estates_ancillary": 0.6, "general_management": 0.1,
        "public_health_commissioning": 0.05, "other": 0.5},
    1: {"registered_nurse_midwife": 1.5, "nursing_healthcare_assistant": 1.5,
        "medical_dental": 0.9, "allied_health_professional": 0.8, "healthcare_scientist": 0.2,
        "social_care": 1.0, "ambulance_operational": 1.5,
        "ambulance_control_call_handling": 1.0, "patient_transport": 0.8,
        "admin_clerical": 1.0, "estates_ancillary": 0.6, "general_management": 0.3,
        "public_health_commissioning": 0.2, "other": 0.6},
    2: {"ambulance_control_call_handling": 10.0, "admin_clerical": 3.0,
        "registered_nurse_midwife": 1.0, "ambulance_operational": 0.3},
}
GROUP_EXPOSURE_DEFAULT = {0: 0.5, 1: 0.5, 2: 0.5}
# Which staff groups work in each setting (multiplier; 1 when not listed).
SETTING_GROUP_AFFINITY = {
    "call_centre_remote": ({"ambulance_control_call_handling": 30.0, "admin_clerical": 3.0,
                            "registered_nurse_midwife": 1.0}, 0.05),
    "ambulance_vehicle_roadside": ({"ambulance_operational": 10.0, "patient_transport": 3.0},
                                   0.1),
    "patient_home_community": ({"registered_nurse_midwife": 1.5,
                                "allied_health_professional": 2.0, "social_care": 2.0,
                                "ambulance_operational": 3.0, "admin_clerical": 0.1}, 0.5),
    "reception_waiting_area": ({"admin_clerical": 6.0, "estates_ancillary": 1.0}, 0.5),
    "emergency_department": ({"medical_dental": 1.5, "registered_nurse_midwife": 1.2,
                              "estates_ancillary": 1.0, "ambulance_operational": 1.0,
                              "admin_clerical": 0.5}, 1.0),
    "car_park_outdoor": ({"estates_ancillary": 5.0}, 0.5),
    "seclusion_place_of_safety": ({"registered_nurse_midwife": 1.5,
                                   "nursing_healthcare_assistant": 1.5, "medical_dental": 0.5,
                                   "admin_clerical": 0.05}, 1.0),
    "inpatient_ward": ({"nursing_healthcare_assistant": 1.3, "admin_clerical": 0.3}, 1.0),
    "outpatient_clinic": ({"allied_health_professional": 1.5, "medical_dental": 1.2,
                           "admin_clerical": 1.5}, 1.0),
}
# Hour-of-day profiles (local time, 00..23) and weekday effects (Monday..Sunday) by sector.
HOUR_PROFILE = {
    "acute": (5, 4.5, 4, 3, 2.5, 2, 2, 2.5, 3, 3.5, 4, 4, 4, 4, 4, 4, 4.2, 4.5, 5, 5.2, 5.5,
              5.8, 5.8, 5.5),
    "mental_health_learning_disability": (2, 1.5, 1.2, 1, 1, 1, 1.5, 3, 5, 5.5, 5.5, 5, 5.5, 5,
                                          5, 5, 5.5, 6, 6, 5.5, 5, 4, 3, 2.5),
    "ambulance": (5, 5, 4.5, 3.5, 2.5, 2, 2, 2.5, 3, 3.5, 4, 4, 4, 4, 4, 4, 4.5, 5, 5.5, 6, 6,
                  6, 6, 5.5),
    "community": (0.3, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 1, 3, 6, 6, 6, 5, 6, 6, 5, 4, 2, 1, 0.8,
                  0.6, 0.5, 0.4, 0.3),
    "other": (1.5, 1.2, 1, 1, 1, 1, 1.5, 2.5, 4, 5, 5, 5, 5, 5, 5, 5, 5, 4.5, 4, 3.5, 3, 2.5, 2,
              1.8),
}
WEEKDAY_EFFECT = {
    "acute": (1.04, 1.02, 1.0, 1.0, 1.02, 0.97, 0.95),
    "mental_health_learning_disability": (1.02, 1.01, 1.0, 1.0, 1.0, 0.98, 0.99),
    "ambulance": (1.0, 0.97, 0.96, 0.97, 1.02, 1.06, 1.02),
    "community": (1.15, 1.12, 1.1, 1.1, 1.05, 0.3, 0.2),
    "other": (1.1, 1.08, 1.05, 1.05, 1.0, 0.6, 0.5),
}
WEEKEND_NIGHT_BOOST = {"acute": 1.5, "ambulance": 1.6}
OFFICE_HOURS_SETTINGS = (SETTINGS.index("outpatient_clinic"),)
# Staff per incident: (P(two), P(three)) by sector for physical contact, others.
EXTRA_STAFF = {
    "acute": ((0.08, 0.02), (0.07, 0.02)),
    "mental_health_learning_disability": ((0.14, 0.05), (0.07, 0.02)),
    "community": ((0.05, 0.01), (0.05, 0.01)),
    "ambulance": ((0.30, 0.02), (0.10, 0.01)),
    "other": ((0.06, 0.02), (0.06, 0.02)),
}


def _mean_staff_physical(sector: str) -> float:
    two, three = EXTRA_STAFF[sector][0]
    return 1.0 + two + 2.0 * three


# --------------------------------------------------------------------------------------------
# The trusts
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SyntheticTrust:
    index: int
    ods: str
    name: str
    sector: str
    region: str
    headcount: np.ndarray  # per staff group (codes.STAFF_GROUP order) at the trend centre
    rate_factor: float
    site_codes: tuple[str, ...]
    unit_site: np.ndarray
    unit_setting: np.ndarray
    unit_weight: np.ndarray
    group_cdf: np.ndarray = field(repr=False)  # [class * n_settings + setting, group]
    unit_cdf: np.ndarray = field(repr=False)  # [class, unit]

    @property
    def total_headcount(self) -> int:
        return int(self.headcount.sum())


_ROOTS = ("Ashen", "Brack", "Carrow", "Dunmer", "Elsen", "Fallow", "Glaze", "Hallen", "Ilsen",
          "Kestle", "Larken", "Morrow", "Nethen", "Orrel", "Pellin", "Quarren", "Rendle",
          "Selden", "Tarrow", "Ulver", "Vallen", "Wendle", "Yarrow", "Zennor", "Brisk",
          "Corran", "Dellow", "Fenwy", "Gorse", "Hazel")
_SUFFIXES = ("bridge", "brook", "bury", "combe", "dale", "field", "ford", "ham", "hurst",
             "ley", "mouth", "stead", "thorpe", "ton", "wick", "worth", "mere", "gate")
_NAME_PATTERNS = {
    "acute": ("{p} Hospitals NHS Foundation Trust", "{p} and {q} NHS Trust",
              "University Hospitals of {p} NHS Foundation Trust"),
    "mental_health_learning_disability": ("{p} Partnership NHS Foundation Trust",
                                          "{p} Mental Health NHS Trust",
                                          "{p} and {q} Healthcare NHS Foundation Trust"),
    "community": ("{p} Community Health NHS Trust", "{p} Community Healthcare NHS Trust"),
    "ambulance": ("{p} and {q} Ambulance Service NHS Trust",),
    "other": ("{p} Specialist Hospital NHS Foundation Trust",
              "{p} Children's Hospital NHS Foundation Trust",
              "{p} Orthopaedic Hospital NHS Foundation Trust"),
}
_REGION_WEIGHTS = (0.17, 0.15, 0.18, 0.12, 0.15, 0.13, 0.10)  # codes.REGION order
_ODS_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def sector_counts(n: int) -> dict[str, int]:
    """Trusts per sector for a universe of n, in the proportions of the 220 (largest remainder);
    every sector has at least one trust once n allows."""
    shares = {s: c * n / REFERENCE_TRUSTS for s, c in SECTOR_TRUSTS.items()}
    counts = {s: int(v) for s, v in shares.items()}
    for sector in sorted(shares, key=lambda s: counts[s] - shares[s])[: n - sum(counts.values())]:
        counts[sector] += 1
    for sector in ("ambulance", "community", "mental_health_learning_disability", "other"):
        if counts[sector] == 0 and n >= len(SECTORS) and counts["acute"] > 1:
            counts[sector], counts["acute"] = 1, counts["acute"] - 1
    return counts


def _ods_codes(n: int, rng: np.random.Generator) -> list[str]:
    width = 2 if n <= 36 * 36 else 3 if n <= 36 ** 3 else 4
    picks = rng.choice(36 ** width, size=n, replace=False)
    out = []
    for value in picks.tolist():
        chars = []
        for _ in range(width):
            value, digit = divmod(value, 36)
            chars.append(_ODS_ALPHABET[digit])
        out.append("Z" + "".join(chars))
    return out


def _names(sectors: list[str], rng: np.random.Generator) -> list[str]:
    places = [r + s for r in _ROOTS for s in _SUFFIXES]
    order = rng.permutation(len(places))
    names, seen = [], set()
    for i, sector in enumerate(sectors):
        p = places[order[(2 * i) % len(places)]]
        q = places[order[(2 * i + 1) % len(places)]]
        patterns = _NAME_PATTERNS[sector]
        name = patterns[int(rng.integers(len(patterns)))].format(p=p, q=q)
        base, k = name, 2
        while name in seen:
            name, k = f"{base} {k}", k + 1
        seen.add(name)
        names.append(name + " (synthetic)")
    return names


def _regions(sectors: list[str], rng: np.random.Generator) -> list[str]:
    regions = codes.REGION.values
    drawn = rng.choice(len(regions), size=len(sectors), p=np.array(_REGION_WEIGHTS))
    out, ambulance = [], 0
    ambulance_order = (0, 1, 2, 3, 4, 5, 6, 0, 2, 5, 3)
    for sector, r in zip(sectors, drawn.tolist(), strict=True):
        if sector == "ambulance":
            r = ambulance_order[ambulance % len(ambulance_order)]
            ambulance += 1
        out.append(regions[r])
    return out


def _headcount(sector: str, rng: np.random.Generator) -> np.ndarray:
    median, sigma, low, high = HEADCOUNT[sector]
    total = float(np.clip(median * math.exp(sigma * rng.standard_normal()), low, high))
    mix = np.array([GROUP_MIX[sector].get(g, 0.0) for g in GROUPS])
    shares = np.zeros(len(GROUPS))
    present = mix > 0
    shares[present] = rng.dirichlet(mix[present] * 300)
    return np.round(shares * total).astype(np.int64)


def _units(sector: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                           int]:
    n_sites = int(rng.integers(SITES[sector][0], SITES[sector][1] + 1))
    settings, weights = [], []
    for setting, (low, high, size) in UNIT_TEMPLATE[sector].items():
        count = int(rng.integers(low, high + 1))
        settings += [_si(setting)] * count
        weights += [size] * count
    weight = np.array(weights) * rng.lognormal(0.0, 0.6, len(weights))
    hot = rng.random(len(weights)) < HOTSPOT_SHARE
    weight[hot] *= rng.uniform(*HOTSPOT_MULTIPLIER, hot.sum())
    site = rng.integers(0, n_sites, len(weights))
    site[: min(2, len(site))] = 0  # the main site has the first (largest) units
    return site, np.array(settings), weight, n_sites


def _group_cdf(headcount: np.ndarray) -> np.ndarray:
    """P(staff group | category class, setting) for a trust, as cumulative rows."""
    rows = []
    for klass in (0, 1, 2):
        exposure = np.array([GROUP_EXPOSURE[klass].get(g, GROUP_EXPOSURE_DEFAULT[klass])
                             for g in GROUPS])
        for setting in SETTINGS:
            multipliers, default = SETTING_GROUP_AFFINITY.get(setting, ({}, 1.0))
            affinity = np.array([multipliers.get(g, default) for g in GROUPS])
            rows.append(headcount * exposure * affinity + (headcount > 0) * 1e-9)
    return _cdf(np.array(rows, dtype=float))


def _unit_cdf(unit_setting: np.ndarray, unit_weight: np.ndarray) -> np.ndarray:
    rows = []
    for klass in (0, 1, 2):
        affinity = np.array([SETTING_AFFINITY[klass].get(s, 1.0) for s in SETTINGS])
        rows.append(unit_weight * affinity[unit_setting])
    return _cdf(np.array(rows))


def make_trusts(n: int = REFERENCE_TRUSTS, seed: int = 0) -> list[SyntheticTrust]:
    """A universe of n made-up trusts: ODS codes Z.., names ending '(synthetic)'."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    counts = sector_counts(n)
    sectors = [s for s in SECTORS for _ in range(counts[s])]
    sectors = [sectors[i] for i in rng.permutation(len(sectors))]
    ods = sorted(_ods_codes(n, rng))
    names, regions = _names(sectors, rng), _regions(sectors, rng)
    factors = rng.lognormal(0.0, TRUST_FACTOR_SIGMA, n)
    trusts = []
    for i, sector in enumerate(sectors):
        headcount = _headcount(sector, rng)
        site, setting, weight, n_sites = _units(sector, rng)
        trusts.append(SyntheticTrust(
            index=i, ods=ods[i], name=names[i], sector=sector, region=regions[i],
            headcount=headcount, rate_factor=float(factors[i]),
            site_codes=tuple(f"{ods[i]}{k + 1:02d}" for k in range(n_sites)),
            unit_site=site, unit_setting=setting, unit_weight=weight,
            group_cdf=_group_cdf(headcount), unit_cdf=_unit_cdf(setting, weight)))
    return _normalise_factors(trusts)


def _normalise_factors(trusts: list[SyntheticTrust]) -> list[SyntheticTrust]:
    """Scale trust factors so each sector's headcount-weighted mean factor is exactly 1."""
    out = []
    for sector in SECTORS:
        members = [t for t in trusts if t.sector == sector]
        if not members:
            continue
        weights = np.array([t.total_headcount for t in members], dtype=float)
        mean = float(np.average([t.rate_factor for t in members], weights=weights))
        out += [_replace_factor(t, t.rate_factor / mean) for t in members]
    return sorted(out, key=lambda t: t.index)


def _replace_factor(trust: SyntheticTrust, factor: float) -> SyntheticTrust:
    return replace(trust, rate_factor=factor)


# --------------------------------------------------------------------------------------------
# Calibration: rates per staff-year, reporting fractions, medical factors
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Calibration:
    rates: dict[str, np.ndarray]  # sector -> reported incidents per staff-year, CATEGORY order
    reporting_fraction: dict[str, float]  # reported / true physical attacks
    prevalence: dict[str, float]  # survey prevalence used per sector
    medical_physical: dict[str, float]  # target share of physical assaults with medical factors
    reference_headcount: dict[str, float]  # sector headcount of a 220-trust universe
    reference_physical: dict[str, float]  # reported physical assaults per year at 220 trusts


def _mean_headcount(trusts: list[SyntheticTrust], sector: str) -> float:
    members = [t.total_headcount for t in trusts if t.sector == sector]
    if members:
        return float(np.mean(members))
    median, sigma, low, high = HEADCOUNT[sector]
    return float(np.clip(median * math.exp(sigma * sigma / 2), low, high))


def calibrate(trusts: list[SyntheticTrust]) -> Calibration:
    """Rates per member of staff that make a universe of 220 trusts like these reproduce the
    published national figures (in expectation), whatever the number of trusts generated."""
    ref_hc = {s: SECTOR_TRUSTS[s] * _mean_headcount(trusts, s) for s in SECTORS}
    physical = dict(PUBLISHED_PHYSICAL_BY_SECTOR)
    medical = {s: PUBLISHED_MEDICAL_BY_SECTOR[s] / PUBLISHED_PHYSICAL_BY_SECTOR[s]
               for s in PUBLISHED_PHYSICAL_BY_SECTOR}
    rest_hc = sum(ref_hc[s] for s in REST_SECTORS)
    for s in REST_SECTORS:
        physical[s] = PUBLISHED_PHYSICAL_REST * ref_hc[s] / rest_hc
        medical[s] = PUBLISHED_MEDICAL_REST / PUBLISHED_PHYSICAL_REST
    prevalence = _prevalence(ref_hc)
    rates, fraction = {}, {}
    for s in SECTORS:
        per_staff = physical[s] / ref_hc[s]
        rates[s] = np.zeros(len(CATEGORIES))
        for name, ratio in zip(CATEGORY_ORDER, CATEGORY_RATIO[s], strict=True):
            rates[s][_ci(name)] = per_staff * ratio
        attacks = prevalence[s] * ATTACKS_PER_VICTIM.get(s, ATTACKS_PER_VICTIM_DEFAULT)
        fraction[s] = per_staff * _mean_staff_physical(s) / attacks
    return Calibration(rates, fraction, prevalence, medical, ref_hc, physical)


def _prevalence(ref_hc: dict[str, float]) -> dict[str, float]:
    """Survey prevalence per sector: ambulance and mental health as published, acute solved so
    the staff-weighted mean is the published 14.3%, community a fixed fraction of acute."""
    total = sum(ref_hc.values())
    known = (SURVEY_PREVALENCE_AMBULANCE * ref_hc["ambulance"]
             + SURVEY_PREVALENCE_MENTAL_HEALTH * ref_hc["mental_health_learning_disability"])
    relative = (ref_hc["acute"] + ref_hc["other"]
                + COMMUNITY_PREVALENCE_RELATIVE_TO_ACUTE * ref_hc["community"])
    acute = (SURVEY_PREVALENCE_ALL * total - known) / relative
    return {"acute": acute, "other": acute,
            "community": acute * COMMUNITY_PREVALENCE_RELATIVE_TO_ACUTE,
            "ambulance": SURVEY_PREVALENCE_AMBULANCE,
            "mental_health_learning_disability": SURVEY_PREVALENCE_MENTAL_HEALTH}


# --------------------------------------------------------------------------------------------
# Periods and time
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return self.following.start - timedelta(days=1)

    @property
    def following(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def days(self) -> int:
        return (self.following.start - self.start).days

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @classmethod
    def parse(cls, text: str) -> Period:
        year, month = text.split("-")
        period = cls(int(year), int(month))
        if not 1 <= period.month <= 12:
            raise ValueError(f"'{text}' is not a month (YYYY-MM).")
        return period

    def plus(self, months: int) -> Period:
        index = self.index + months
        return Period(index // 12, index % 12 + 1)


_US = 1_000_000
_DAY_US = 86_400 * _US
_EPOCH = date(1970, 1, 1)


def _local_day_us(day: date) -> int:
    return (day - _EPOCH).days * _DAY_US


def localise(naive_us: np.ndarray) -> np.ndarray:
    """UK wall-clock times (microseconds, naive) to UTC microseconds; a time that does not exist
    (the hour the clocks go forward) moves an hour later, an ambiguous one takes the first."""
    naive = pl.Series(naive_us, dtype=pl.Int64).cast(pl.Datetime("us"))
    options = {"ambiguous": "earliest", "non_existent": "null"}
    local = naive.dt.replace_time_zone(TZ, **options)
    if local.null_count():
        later = (naive + timedelta(hours=1)).dt.replace_time_zone(TZ, **options)
        local = local.fill_null(later)
    return local.to_physical().to_numpy().copy()


def iso_datetimes(utc_us: np.ndarray) -> pl.Series:
    """ISO 8601 with the UK offset, e.g. 2026-03-05T14:30:00+00:00."""
    return (pl.Series(utc_us, dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))
            .dt.convert_time_zone(TZ).dt.strftime("%Y-%m-%dT%H:%M:%S%:z"))


def _uk_dates(utc_us: np.ndarray) -> pl.Series:
    return (pl.Series(utc_us, dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))
            .dt.convert_time_zone(TZ).dt.date())


@lru_cache(maxsize=512)
def _time_grid(sector: str, year: int, month: int) -> np.ndarray:
    """P(day, hour) for a month as a flat vector of days x 24."""
    period = Period(year, month)
    first_weekday = period.start.weekday()
    weekday = (first_weekday + np.arange(period.days)) % 7
    grid = np.outer(np.array(WEEKDAY_EFFECT[sector])[weekday], np.array(HOUR_PROFILE[sector]))
    boost = WEEKEND_NIGHT_BOOST.get(sector)
    if boost:
        hours = np.arange(24)
        late_night = np.isin(weekday, (4, 5))[:, None] & (hours >= 20)[None, :]
        small_hours = np.isin(weekday, (5, 6))[:, None] & (hours < 4)[None, :]
        grid = np.where(late_night | small_hours, grid * boost, grid)
    flat = grid.ravel()
    return flat / flat.sum()


@lru_cache(maxsize=1)
def _month_effects() -> np.ndarray:
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    effect = np.array(MONTH_EFFECT)
    return effect * days.sum() / (effect * days).sum()


def exposure(trust: SyntheticTrust, period: Period) -> float:
    """Staff-years in the month times every effect on the rate except the category's own."""
    t = (period.index + 0.5 - TREND_CENTRE) / 12
    return (headcount_total(trust, period) * period.days / 365.25
            * _month_effects()[period.month - 1] * math.exp(math.log1p(TREND_PER_YEAR) * t)
            * trust.rate_factor)


def headcount_total(trust: SyntheticTrust, period: Period) -> float:
    return float(monthly_headcount(trust, period).sum())


def monthly_headcount(trust: SyntheticTrust, period: Period) -> np.ndarray:
    """Headcount per staff group in the month: steady growth with a little month-to-month noise
    (the noise depends on the trust's ODS code and the month only)."""
    t = (period.index + 0.5 - TREND_CENTRE) / 12
    growth = math.exp(math.log1p(HEADCOUNT_GROWTH_PER_YEAR) * t)
    rng = np.random.default_rng(np.random.SeedSequence(
        [2, int.from_bytes(trust.ods.encode(), "big"), period.index]))
    noise = 1 + 0.003 * rng.standard_normal(len(GROUPS))
    return np.round(trust.headcount * growth * noise).astype(np.int64)


# --------------------------------------------------------------------------------------------
# Sampling helpers
# --------------------------------------------------------------------------------------------
def _cdf(weights: np.ndarray) -> np.ndarray:
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    cdf[:, -1] = 1.0
    return cdf


def _draw(rng: np.random.Generator, cdf: np.ndarray, key: np.ndarray | None = None,
          n: int | None = None) -> np.ndarray:
    """One category per row from cumulative probabilities; `key` picks the row of `cdf`."""
    size = len(key) if key is not None else int(n or 0)
    u = rng.random(size)
    if key is None:
        return np.searchsorted(cdf[0], u, side="right").astype(np.int16)
    if cdf.shape[0] == 1:
        return np.searchsorted(cdf[0], u, side="right").astype(np.int16)
    out = np.empty(size, dtype=np.int16)
    for row in np.unique(key):
        where = np.flatnonzero(key == row)
        out[where] = np.searchsorted(cdf[row], u[where], side="right")
    return out


def _probs(code_list: codes.CodeList, weights: dict[str, float]) -> np.ndarray:
    return _cdf(np.array([weights.get(c, 0.0) for c in code_list.values]))


def _bool(rng: np.random.Generator, p: np.ndarray | float, n: int,
          blank: float = 0.0) -> np.ndarray:
    """-1 blank, 0 false, 1 true."""
    value = (rng.random(n) < p).astype(np.int8)
    if blank:
        value[rng.random(n) < blank] = -1
    return value


def _multi(rng: np.random.Generator, first: np.ndarray, cdf: np.ndarray,
           p_second: float | np.ndarray) -> np.ndarray:
    """A bit mask of codes: the first given, a second different one with probability p."""
    n = len(first)
    second = _draw(rng, cdf, n=n)
    add = (rng.random(n) < p_second) & (second != first)
    mask = np.left_shift(1, first.astype(np.int64))
    mask[add] |= np.left_shift(1, second[add].astype(np.int64))
    return mask


# --------------------------------------------------------------------------------------------
# One chunk: the incidents of one trust reported in one month
# --------------------------------------------------------------------------------------------
@dataclass
class Chunk:
    """Arrays for n incidents and m staff rows; codes as indexes into their code lists."""

    n: int
    sector: str
    rng: np.random.Generator
    category: np.ndarray
    inc: dict[str, np.ndarray] = field(default_factory=dict)
    staff: dict[str, np.ndarray] = field(default_factory=dict)
    row_incident: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    true_physical: int = 0


def category_counts(trust: SyntheticTrust, period: Period, calibration: Calibration,
                    rng: np.random.Generator, scale: float = 1.0) -> tuple[np.ndarray, int]:
    """Reported incidents per category for the trust-month, and the modelled true number of
    physical attacks behind the reported ones."""
    lam = calibration.rates[trust.sector] * exposure(trust, period) * scale
    counts = rng.poisson(lam)
    fraction = calibration.reporting_fraction[trust.sector]
    true = int(rng.poisson(lam[PHYSICAL] / fraction))
    counts[PHYSICAL] = rng.binomial(true, fraction)
    return counts.astype(np.int64), true


def _times(chunk: Chunk, trust: SyntheticTrust, period: Period, generated_us: int) -> None:
    rng, n = chunk.rng, chunk.n
    cell = rng.choice(period.days * 24, size=n,
                      p=_time_grid(trust.sector, period.year, period.month))
    # Clinics keep office hours whatever the trust's sector.
    office = np.isin(chunk.inc["setting"], OFFICE_HOURS_SETTINGS)
    if office.any():
        cell[office] = rng.choice(period.days * 24, size=int(office.sum()),
                                  p=_time_grid("community", period.year, period.month))
    minute = rng.integers(0, 60, n)
    naive = _local_day_us(period.start) + cell.astype(np.int64) * 3600 * _US + minute * 60 * _US
    occurred = localise(naive)
    end = int(localise(np.array([_local_day_us(period.following.start)]))[0]) - _US
    delay = _delays(rng, n)
    reported = occurred + delay
    over = reported > end
    reported[over] = occurred[over] + (rng.random(over.sum()) * (end - occurred[over])).astype(
        np.int64)
    late = rng.random(n) < LATE_SHARE
    if late.any():
        start = int(localise(np.array([_local_day_us(period.start)]))[0])
        k = int(late.sum())
        into = (rng.beta(1.0, 3.0, k) * (end - start)).astype(np.int64)
        before = (rng.exponential(5.0, k) * _DAY_US).astype(np.int64) + 60 * _US
        reported[late] = start + into
        occurred[late] = ((start - before) // (60 * _US)) * 60 * _US
    chunk.inc.update(occurred=occurred, reported=np.minimum(reported, generated_us),
                     late=late.astype(np.int8))


def _delays(rng: np.random.Generator, n: int) -> np.ndarray:
    """Minutes to days between an incident and its report (microseconds)."""
    kind = rng.random(n)
    hours = np.where(kind < 0.55, rng.exponential(2.0, n),
                     np.where(kind < 0.85, rng.exponential(18.0, n),
                              rng.lognormal(math.log(72.0), 1.0, n)))
    return (hours * 3600 * _US).astype(np.int64) + rng.integers(1, 3600, n) * _US


def _place(chunk: Chunk, trust: SyntheticTrust) -> None:
    unit = _draw(chunk.rng, trust.unit_cdf, CATEGORY_CLASS[chunk.category])
    site = trust.unit_site[unit]
    chunk.inc["setting"] = trust.unit_setting[unit].astype(np.int16)
    site_blank = chunk.rng.random(chunk.n) < 0.05
    chunk.inc["site"] = np.where(site_blank, -1, site)


_REPORTER = _probs(codes.REPORTER_ROLE, {"victim": 0.68, "witness": 0.14, "manager": 0.15,
                                         "other": 0.03})
_HATE_YES = np.array([{"physical_assault": 0.03, "physical_threat_no_contact": 0.04,
                       "verbal_abuse_threat": 0.08, "harassment_stalking": 0.08,
                       "sexual_unwanted_behaviour": 0.10, "sexual_assault": 0.05,
                       "remote_abuse": 0.06}.get(c, 0.02) for c in CATEGORIES])
_HATE_CHAR = _probs(codes.HATE_CHARACTERISTIC, {
    "race": 0.45, "religion": 0.08, "disability": 0.06, "sexual_orientation": 0.10,
    "transgender_identity": 0.04, "sex": 0.22, "age": 0.05})
_PERPETRATOR_BY_CATEGORY = {
    "physical_assault": (0.85, 0.06, 0.05, 0.005, 0.0, 0.035),
    "harassment_stalking": (0.40, 0.15, 0.20, 0.15, 0.05, 0.05),
    "sexual_unwanted_behaviour": (0.80, 0.05, 0.07, 0.06, 0.01, 0.01),
    "sexual_assault": (0.80, 0.05, 0.07, 0.06, 0.01, 0.01),
    "remote_abuse": (0.45, 0.25, 0.25, 0.0, 0.0, 0.05),
    "damage_theft_with_aggression": (0.60, 0.15, 0.20, 0.0, 0.0, 0.05),
}
_PERPETRATOR_DEFAULT = (0.60, 0.22, 0.12, 0.02, 0.005, 0.035)
_PATIENT_BOOST = {"mental_health_learning_disability": 4.0, "ambulance": 0.7}
PATIENT = codes.PERPETRATOR_TYPE.values.index("patient_service_user")
COLLEAGUES = (codes.PERPETRATOR_TYPE.values.index("colleague"),
              codes.PERPETRATOR_TYPE.values.index("manager"))


@lru_cache(maxsize=8)
def perpetrator_cdf(sector: str) -> np.ndarray:
    rows = []
    for category in CATEGORIES:
        weights = np.array(_PERPETRATOR_BY_CATEGORY.get(category, _PERPETRATOR_DEFAULT))
        weights[PATIENT] *= _PATIENT_BOOST.get(sector, 1.0)
        rows.append(weights)
    return _cdf(np.array(rows))


def _patient_share(sector: str, category: int) -> float:
    row = perpetrator_cdf(sector)[category]
    return float(row[PATIENT] - (row[PATIENT - 1] if PATIENT else 0.0))


def _who(chunk: Chunk, calibration: Calibration) -> None:
    rng, n, cat, sector = chunk.rng, chunk.n, chunk.category, chunk.sector
    perpetrator = _draw(rng, perpetrator_cdf(sector), cat)
    patient = perpetrator == PATIENT
    # P(medical | physical, patient) so that P(medical | physical) is the published share.
    p_phys = calibration.medical_physical[sector] / _patient_share(sector, PHYSICAL)
    p_medical = np.where(cat == PHYSICAL, p_phys, 0.6 * p_phys)
    medical = patient & (rng.random(n) < np.minimum(p_medical, 1.0))
    hate = np.where(rng.random(n) < _HATE_YES[cat], 0,
                    np.where(rng.random(n) < 0.12, 2, 1)).astype(np.int16)
    hate[medical & (hate == 0)] = 1
    count = 1 + (rng.random(n) < 0.11) + (rng.random(n) < 0.03)
    count[rng.random(n) < 0.05] = 0  # not known
    chunk.inc.update(
        reporter=_draw(rng, _REPORTER, n=n), perpetrator=perpetrator,
        medical=medical.astype(np.int8), hate=hate,
        hate_chars=np.where(hate == 0, _multi(rng, _draw(rng, _HATE_CHAR, n=n), _HATE_CHAR, 0.2),
                            0),
        perpetrator_count=count)
    _perpetrator_details(chunk, patient)


_AGE = {
    "acute": (0.04, 0.10, 0.28, 0.20, 0.30, 0.08),
    "mental_health_learning_disability": (0.10, 0.20, 0.40, 0.17, 0.08, 0.05),
    "ambulance": (0.03, 0.17, 0.42, 0.24, 0.08, 0.06),
    "community": (0.05, 0.08, 0.22, 0.22, 0.35, 0.08),
    "other": (0.08, 0.10, 0.30, 0.22, 0.22, 0.08),
}
_DETAINED = {"mental_health_learning_disability": (0.55, 0.35, 0.10), "acute": (0.03, 0.80, 0.17)}
_DETAINED_DEFAULT = (0.02, 0.60, 0.38)


def _perpetrator_details(chunk: Chunk, patient: np.ndarray) -> None:
    rng, n, sector = chunk.rng, chunk.n, chunk.sector
    age = _draw(rng, _cdf(np.array(_AGE[sector])), n=n)
    age[rng.random(n) < 0.10] = -1
    detained = _draw(rng, _cdf(np.array(_DETAINED.get(sector, _DETAINED_DEFAULT))), n=n)
    detained[~patient] = codes.YES_NO_UNKNOWN.values.index("no")
    blank = 0.15 if sector == "mental_health_learning_disability" else 0.45
    detained[rng.random(n) < blank] = -1
    chunk.inc.update(age=age, detained=detained)


_METHOD = {
    "mental_health_learning_disability": {"hit_punch": 0.34, "kick": 0.14, "bite": 0.05,
                                          "scratch": 0.10, "push_pull": 0.14, "spit": 0.10,
                                          "strangle_choke": 0.02, "object_thrown": 0.07,
                                          "bladed_weapon": 0.003, "other_weapon": 0.01,
                                          "other": 0.03},
    "ambulance": {"hit_punch": 0.35, "kick": 0.15, "bite": 0.02, "scratch": 0.05,
                  "push_pull": 0.18, "spit": 0.15, "strangle_choke": 0.01,
                  "object_thrown": 0.03, "bladed_weapon": 0.005, "firearm": 0.0005,
                  "other_weapon": 0.01, "other": 0.03},
}
_METHOD_DEFAULT = {"hit_punch": 0.32, "kick": 0.12, "bite": 0.04, "scratch": 0.12,
                   "push_pull": 0.20, "spit": 0.10, "strangle_choke": 0.01,
                   "object_thrown": 0.05, "bladed_weapon": 0.002, "other_weapon": 0.008,
                   "other": 0.03}


def _method(chunk: Chunk) -> None:
    rng, n = chunk.rng, chunk.n
    cdf = _probs(codes.METHOD, _METHOD.get(chunk.sector, _METHOD_DEFAULT))
    mask = _multi(rng, _draw(rng, cdf, n=n), cdf, 0.3)
    chunk.inc["method"] = np.where(chunk.category == PHYSICAL, mask, 0)


_FACTOR = codes.FACTOR.values
_MEDICAL_FACTORS = {
    "mental_health_learning_disability": (0.55, 0.10, 0.25, 0.10),
    "acute": (0.15, 0.50, 0.08, 0.27),
    "ambulance": (0.35, 0.15, 0.05, 0.45),
    "community": (0.20, 0.45, 0.15, 0.20),
    "other": (0.25, 0.30, 0.20, 0.25),
}
_MEDICAL_CODES = ("mental_health_crisis", "dementia_delirium", "learning_disability_autism",
                  "pain_medication_clinical_condition")
_OTHER_FACTORS = _probs(codes.FACTOR, {"alcohol": 0.35, "drugs": 0.15,
                                       "waiting_time_dissatisfaction": 0.25,
                                       "refused_request_treatment": 0.20, "other": 0.05})
_SECOND_FACTOR = {"alcohol": 0.2, "drugs": 0.12, "low_staffing": 0.3,
                  "refused_request_treatment": 0.15, "waiting_time_dissatisfaction": 0.1,
                  "other": 0.05}


def _factors(chunk: Chunk, first_lone: np.ndarray) -> None:
    rng, n, sector = chunk.rng, chunk.n, chunk.sector
    medical_cdf = _probs(codes.FACTOR, dict(zip(_MEDICAL_CODES, _MEDICAL_FACTORS[sector],
                                                strict=True)))
    first = np.where(chunk.inc["medical"] == 1, _draw(rng, medical_cdf, n=n),
                     _draw(rng, _OTHER_FACTORS, n=n))
    second = dict(_SECOND_FACTOR)
    if sector == "ambulance":
        second["unfamiliar_location"] = 0.3
    mask = _multi(rng, first, _probs(codes.FACTOR, second), 0.35)
    mask[first_lone == 1] |= 1 << _FACTOR.index("working_alone")
    mask[rng.random(n) < 0.15] = 0
    chunk.inc["factors"] = mask


_SECURITY = np.array([{"emergency_department": 0.45, "inpatient_ward": 0.25,
                       "seclusion_place_of_safety": 0.40, "reception_waiting_area": 0.30,
                       "car_park_outdoor": 0.40, "outpatient_clinic": 0.15}.get(s, 0.0)
                      for s in SETTINGS])
_POLICE = np.array([{"physical_assault": 0.22, "physical_threat_no_contact": 0.12,
                     "verbal_abuse_threat": 0.05, "harassment_stalking": 0.30,
                     "sexual_unwanted_behaviour": 0.25, "sexual_assault": 0.75,
                     "remote_abuse": 0.08, "damage_theft_with_aggression": 0.35}[c]
                    for c in CATEGORIES])
_POLICE_OUTCOME = _probs(codes.POLICE_OUTCOME, {
    "charged": 0.10, "caution": 0.04, "community_resolution": 0.06, "verbal_warning": 0.08,
    "no_further_action": 0.30, "victim_declined": 0.08, "pending": 0.25, "unknown": 0.09})
_SANCTION = _probs(codes.CIVIL_ADMIN_SANCTION, {
    "warning_letter": 0.55, "acceptable_behaviour_agreement": 0.12,
    "exclusion_from_premises": 0.05, "injunction": 0.01, "record_flag": 0.25, "other": 0.02})
_CAMERA = {"ambulance": (0.18, 0.42, 0.40), "acute": (0.06, 0.24, 0.70),
           "mental_health_learning_disability": (0.10, 0.30, 0.60)}
_CAMERA_DEFAULT = (0.02, 0.08, 0.90)


def _response(chunk: Chunk) -> None:
    rng, n, cat, sector = chunk.rng, chunk.n, chunk.category, chunk.sector
    medical = chunk.inc["medical"] == 1
    class0 = CATEGORY_CLASS[cat] == 0
    p_security = 0.0 if sector == "ambulance" else _SECURITY[chunk.inc["setting"]]
    p_security = np.minimum(p_security * np.where(class0, 1.3, 0.7), 0.95)
    p_police = _POLICE[cat] * np.where(medical, 0.4, 1.6) * (1.6 if sector == "ambulance"
                                                             else 1.0)
    police = rng.random(n) < np.minimum(p_police, 0.95)
    outcome = np.where(police, _draw(rng, _POLICE_OUTCOME, n=n), -1)
    ewa = np.where(cat == PHYSICAL, (police & (rng.random(n) < 0.85)).astype(np.int8), -1)
    eligible = ~medical & ~np.isin(chunk.inc["perpetrator"], COLLEAGUES)
    sanction = np.where(eligible & (rng.random(n) < 0.12),
                        _multi(rng, _draw(rng, _SANCTION, n=n), _SANCTION, 0.15), 0)
    camera = _draw(rng, _cdf(np.array(_CAMERA.get(sector, _CAMERA_DEFAULT))), n=n)
    camera[rng.random(n) < 0.3] = -1
    p_ri = np.where(class0, 0.40 if sector == "mental_health_learning_disability" else 0.06,
                    0.03)
    chunk.inc.update(
        security=_bool(rng, p_security, n, 0.10), police=police.astype(np.int8),
        police_outcome=outcome, ewa=ewa, sanctions=sanction, camera=camera,
        restrictive=_bool(rng, p_ri, n, 0.20))


def _aftercare(chunk: Chunk, injured_any: np.ndarray) -> None:
    rng, n = chunk.rng, chunk.n
    physical = chunk.category == PHYSICAL
    chunk.inc.update(
        debrief=_bool(rng, np.where(physical, 0.55, 0.35), n, 0.2),
        wellbeing=_bool(rng, np.where(physical, 0.60, 0.40), n, 0.2),
        occupational=_bool(rng, np.where(injured_any, 0.35, 0.05), n, 0.3),
        risk_assessment=_bool(rng, np.where(physical, 0.45, 0.25), n, 0.25))


# Staff ----------------------------------------------------------------------------------------
_EMPLOYMENT = _probs(codes.EMPLOYMENT_TYPE, {"substantive": 0.80, "bank": 0.11, "agency": 0.04,
                                             "student": 0.03, "volunteer": 0.01,
                                             "contractor": 0.01})
_PATIENT_FACING = np.array([{"admin_clerical": 0.35, "estates_ancillary": 0.30,
                             "general_management": 0.20, "ambulance_control_call_handling": 0.10,
                             "public_health_commissioning": 0.10, "healthcare_scientist": 0.5,
                             "other": 0.6}.get(g, 0.97) for g in GROUPS])
_LONE = np.array([{"patient_home_community": 0.55, "ambulance_vehicle_roadside": 0.08,
                   "call_centre_remote": 0.02, "car_park_outdoor": 0.30}.get(s, 0.04)
                  for s in SETTINGS])
_ACTIVITY = _cdf(np.array([
    #  clinical restraint escort triage alarm call driving other
    (0.60, 0.02, 0.05, 0.08, 0.04, 0.0, 0.0, 0.21),  # 0 default
    (0.02, 0.0, 0.0, 0.0, 0.0, 0.95, 0.0, 0.03),  # 1 call handling
    (0.62, 0.03, 0.15, 0.0, 0.0, 0.0, 0.08, 0.12),  # 2 ambulance crew
    (0.35, 0.35, 0.05, 0.0, 0.15, 0.0, 0.0, 0.10),  # 3 mental health ward, physical
    (0.10, 0.0, 0.0, 0.80, 0.02, 0.0, 0.0, 0.08),  # 4 reception and triage
    (0.20, 0.0, 0.30, 0.0, 0.0, 0.0, 0.40, 0.10),  # 5 patient transport
    (0.0, 0.01, 0.05, 0.35, 0.09, 0.0, 0.0, 0.50),  # 6 non-clinical staff
]))
NON_CLINICAL = tuple(GROUPS.index(g) for g in ("admin_clerical", "estates_ancillary",
                                               "general_management",
                                               "public_health_commissioning"))
_P_INJURY = {"mental_health_learning_disability": 0.28, "acute": 0.33, "ambulance": 0.38}
_SEVERITY = _probs(codes.INJURY_SEVERITY, {"low": 0.72, "moderate": 0.235, "severe": 0.045,
                                           "death": 0.00002})
_TREATMENT = _cdf(np.array([
    #  none first_aid ED admitted
    (0.60, 0.0, 0.0, 0.0),  # not injured (blank otherwise)
    (0.35, 0.60, 0.05, 0.0),  # low
    (0.0, 0.45, 0.50, 0.05),  # moderate
    (0.0, 0.0, 0.55, 0.45),  # severe
    (0.0, 0.0, 0.0, 1.0),  # death
]))
SPECIFIED = (codes.INJURY_SEVERITY.values.index("severe"),
             codes.INJURY_SEVERITY.values.index("death"))


def _staff_count(chunk: Chunk) -> np.ndarray:
    physical, other = EXTRA_STAFF[chunk.sector]
    klass = CATEGORY_CLASS[chunk.category]
    p2 = np.where(klass == 0, physical[0], np.where(klass == 2, 0.0, other[0]))
    p3 = np.where(klass == 0, physical[1], np.where(klass == 2, 0.0, other[1]))
    u = chunk.rng.random(chunk.n)
    return 1 + (u < p2 + p3).astype(np.int64) + (u < p3).astype(np.int64)


def _staff(chunk: Chunk, trust: SyntheticTrust, per_incident: np.ndarray | None = None) -> None:
    rng = chunk.rng
    count = _staff_count(chunk) if per_incident is None else per_incident
    row_incident = np.repeat(np.arange(chunk.n), count)
    m = len(row_incident)
    category = chunk.category[row_incident]
    setting = chunk.inc["setting"][row_incident]
    klass = CATEGORY_CLASS[category]
    group = _draw(rng, trust.group_cdf, klass * len(SETTINGS) + setting)
    employment = _draw(rng, _EMPLOYMENT, n=m)
    employment[rng.random(m) < 0.05] = -1
    chunk.row_incident = row_incident
    chunk.staff.update(
        group=group, employment=employment,
        patient_facing=_bool(rng, _PATIENT_FACING[group], m, 0.05),
        lone=_bool(rng, _LONE[setting], m),
        activity=_activity(rng, group, setting, category, chunk.sector))
    _injury(chunk, category, m)


def _activity(rng: np.random.Generator, group: np.ndarray, setting: np.ndarray,
              category: np.ndarray, sector: str) -> np.ndarray:
    key = np.where(np.isin(group, NON_CLINICAL), 6, 0).astype(np.int16)
    crew = setting == _si("ambulance_vehicle_roadside")
    crew |= (setting == _si("patient_home_community")) & (group == _gi("ambulance_operational"))
    key[crew] = 2
    key[group == _gi("patient_transport")] = 5
    if sector == "mental_health_learning_disability":
        ward = np.isin(setting, (_si("inpatient_ward"), _si("seclusion_place_of_safety")))
        key[ward & (CATEGORY_CLASS[category] == 0)] = 3
    front = (setting == _si("reception_waiting_area"))
    front |= (setting == _si("emergency_department")) & (group == _gi("admin_clerical"))
    key[front] = 4
    key[(group == _gi("ambulance_control_call_handling"))
        | (setting == _si("call_centre_remote"))] = 1
    activity = _draw(rng, _ACTIVITY, key)
    activity[rng.random(len(group)) < 0.10] = -1
    return activity


def _injury(chunk: Chunk, category: np.ndarray, m: int) -> None:
    rng = chunk.rng
    p = np.where(category == PHYSICAL, _P_INJURY.get(chunk.sector, 0.30),
                 np.where(category == _ci("sexual_assault"), 0.08,
                          np.where(category == _ci("damage_theft_with_aggression"), 0.03, 0.0)))
    injury = rng.random(m) < p
    severity = np.where(injury, _draw(rng, _SEVERITY, n=m), -1)
    treatment = _draw(rng, _TREATMENT, np.where(injury, severity, 0))
    treatment[~injury & (rng.random(m) >= 0.60)] = -1  # not injured: 'none' or left blank
    days = _days_absent(rng, injury, severity)
    p_psych = np.where(CATEGORY_CLASS[category] == 0, 0.45, 0.30)
    p_psych = np.where(np.isin(category, (_ci("sexual_assault"),
                                          _ci("sexual_unwanted_behaviour"))), 0.7, p_psych)
    chunk.staff.update(injury=injury.astype(np.int8), severity=severity, treatment=treatment,
                       days=days, psych=_bool(rng, p_psych, m, 0.15))


def _days_absent(rng: np.random.Generator, injury: np.ndarray,
                 severity: np.ndarray) -> np.ndarray:
    m = len(injury)
    low, moderate = (codes.INJURY_SEVERITY.values.index(c) for c in ("low", "moderate"))
    days = np.where(rng.random(m) < 0.07, rng.integers(1, 6, m), 0)
    days = np.where(injury & (severity == low),
                    np.where(rng.random(m) < 0.85, 0, rng.geometric(0.5, m)), days)
    days = np.where(injury & (severity == moderate), rng.geometric(0.2, m) - 1, days)
    days = np.where(injury & (severity == SPECIFIED[0]), 8 + rng.geometric(0.04, m), days)
    days = np.where(rng.random(m) < 0.2, -1, days)
    return np.where(injury & (severity == SPECIFIED[1]), -1, days).astype(np.int64)


def _riddor(chunk: Chunk, generated_us: int) -> np.ndarray:
    """RIDDOR follows the standard: only physical assaults where someone was injured, true only
    when an injury is specified (severe or death) or absence is over 7 days."""
    rng, n, staff, rows = chunk.rng, chunk.n, chunk.staff, chunk.row_incident
    injured = staff["injury"] == 1
    qualifies_row = injured & (np.isin(staff["severity"], SPECIFIED) | (staff["days"] > 7))
    injured_any = np.bincount(rows, weights=injured, minlength=n) > 0
    qualifies = np.bincount(rows, weights=qualifies_row, minlength=n) > 0
    physical_injured = (chunk.category == PHYSICAL) & injured_any
    reportable = np.where(physical_injured, (qualifies & (rng.random(n) < 0.92)).astype(np.int8),
                          -1)
    reported_day = chunk.inc["reported"] + rng.integers(0, 11, n) * _DAY_US
    on = np.where(reportable == 1, np.minimum(reported_day, generated_us), -1)
    on[rng.random(n) < 0.15] = -1
    chunk.inc.update(riddor=reportable, riddor_on=on)
    return injured_any


def generate_chunk(trust: SyntheticTrust, period: Period, counts: np.ndarray, calibration:
                   Calibration, rng: np.random.Generator, generated_us: int,
                   staff_per_incident: np.ndarray | None = None) -> Chunk:
    """Every field for the given number of incidents per category."""
    category = np.repeat(np.arange(len(CATEGORIES), dtype=np.int16), counts)
    category = category[rng.permutation(len(category))]
    chunk = Chunk(n=len(category), sector=trust.sector, rng=rng, category=category)
    _place(chunk, trust)
    _times(chunk, trust, period, generated_us)
    _who(chunk, calibration)
    _method(chunk)
    _response(chunk)
    _staff(chunk, trust, staff_per_incident)
    first_row = np.searchsorted(chunk.row_incident, np.arange(chunk.n))
    _factors(chunk, chunk.staff["lone"][first_row])
    _aftercare(chunk, _riddor(chunk, generated_us))
    return chunk


# --------------------------------------------------------------------------------------------
# To the standard's text
# --------------------------------------------------------------------------------------------
# Where each column of the return comes from: (kind, array name, code list).
_INC, _STF = "inc", "staff"
_COLUMN_SOURCES: dict[str, tuple[str, str, str, codes.CodeList | None]] = {
    "setting": ("code", _INC, "setting", codes.SETTING),
    "occurred_at": ("datetime", _INC, "occurred", None),
    "reported_at": ("datetime", _INC, "reported", None),
    "late": ("bool", _INC, "late", None),
    "reporter_role": ("code", _INC, "reporter", codes.REPORTER_ROLE),
    "category": ("code", "", "category", codes.CATEGORY),
    "method": ("multi", _INC, "method", codes.METHOD),
    "hate_motivated": ("code", _INC, "hate", codes.YES_NO_UNKNOWN),
    "hate_characteristics": ("multi", _INC, "hate_chars", codes.HATE_CHARACTERISTIC),
    "perpetrator_count": ("count", _INC, "perpetrator_count", None),
    "perpetrator_type": ("code", _INC, "perpetrator", codes.PERPETRATOR_TYPE),
    "perpetrator_age_band": ("code", _INC, "age", codes.PERPETRATOR_AGE_BAND),
    "mental_health_act_detained": ("code", _INC, "detained", codes.YES_NO_UNKNOWN),
    "medical_factors": ("bool", _INC, "medical", None),
    "factors": ("multi", _INC, "factors", codes.FACTOR),
    "security_attended": ("bool", _INC, "security", None),
    "police_informed": ("bool", _INC, "police", None),
    "police_outcome": ("code", _INC, "police_outcome", codes.POLICE_OUTCOME),
    "emergency_worker_act_applies": ("bool", _INC, "ewa", None),
    "civil_admin_sanctions": ("multi", _INC, "sanctions", codes.CIVIL_ADMIN_SANCTION),
    "body_worn_camera_footage": ("code", _INC, "camera", codes.BODY_WORN_CAMERA_FOOTAGE),
    "restrictive_intervention_followed": ("bool", _INC, "restrictive", None),
    "riddor_reportable": ("bool", _INC, "riddor", None),
    "riddor_reported_on": ("date", _INC, "riddor_on", None),
    "debrief_offered": ("bool", _INC, "debrief", None),
    "wellbeing_conversation_offered": ("bool", _INC, "wellbeing", None),
    "occupational_health_referral": ("bool", _INC, "occupational", None),
    "risk_assessment_updated": ("bool", _INC, "risk_assessment", None),
    "staff_group": ("code", _STF, "group", codes.STAFF_GROUP),
    "employment_type": ("code", _STF, "employment", codes.EMPLOYMENT_TYPE),
    "patient_facing": ("bool", _STF, "patient_facing", None),
    "lone_working": ("bool", _STF, "lone", None),
    "activity": ("code", _STF, "activity", codes.ACTIVITY),
    "injury": ("bool", _STF, "injury", None),
    "injury_severity": ("code", _STF, "severity", codes.INJURY_SEVERITY),
    "treatment": ("code", _STF, "treatment", codes.TREATMENT),
    "psychological_impact": ("bool", _STF, "psych", None),
    "days_absent": ("count", _STF, "days", None),
}
_BOOL_TEXT = pl.Series([None, "false", "true"], dtype=pl.Utf8)


def _lookup(values: list[str | None]) -> pl.Expr:
    return pl.lit(pl.Series(values, dtype=pl.Utf8))


def _multi_texts(code_list: codes.CodeList, mask: np.ndarray) -> tuple[list[str | None],
                                                                       np.ndarray]:
    unique, inverse = np.unique(mask, return_inverse=True)
    values = code_list.values
    texts = [fields.LIST_SEPARATOR.join(v for b, v in enumerate(values) if int(u) >> b & 1)
             or None for u in unique.tolist()]
    return texts, inverse.astype(np.int32)


def _column(name: str, kind: str, code_list: codes.CodeList | None,
            data: dict[str, np.ndarray], values: np.ndarray) -> pl.Expr:
    """Put the column's numbers in `data` and return the expression that makes its text."""
    col = pl.col(name)
    if kind == "code":
        data[name] = values.astype(np.int32) + 1
        return _lookup([None, *code_list.values]).gather(col)  # type: ignore[union-attr]
    if kind == "multi":
        texts, data[name] = _multi_texts(code_list, values)  # type: ignore[arg-type]
        return _lookup(texts).gather(col)
    if kind == "bool":
        data[name] = values.astype(np.int32) + 1
        return pl.lit(_BOOL_TEXT).gather(col)
    data[name] = values.astype(np.int64)
    if kind == "count":  # 0 means 'not known' for perpetrator_count, -1 blank for days
        blank = (col < 1) if name == "perpetrator_count" else (col < 0)
        return pl.when(blank).then(None).otherwise(col.cast(pl.Utf8))
    stamp = col.cast(pl.Datetime("us", "UTC")).dt.convert_time_zone(TZ)
    if kind == "datetime":
        return stamp.dt.strftime("%Y-%m-%dT%H:%M:%S%:z")
    return pl.when(col < 0).then(None).otherwise(stamp.dt.date().dt.strftime("%Y-%m-%d"))


def chunk_frame(chunk: Chunk, trust: SyntheticTrust, period: Period) -> pl.DataFrame:
    """The return's rows: fields.COLUMNS, all text, one row per member of staff affected,
    incidents in the order they were reported (so the local references rise with time)."""
    order = np.argsort(chunk.inc["reported"], kind="stable")
    rank = np.empty(chunk.n, dtype=np.int64)
    rank[order] = np.arange(1, chunk.n + 1)
    rows = chunk.row_incident[np.argsort(rank[chunk.row_incident], kind="stable")]
    staff_rows = np.argsort(rank[chunk.row_incident], kind="stable")
    sources = {_INC: chunk.inc, _STF: chunk.staff, "": {"category": chunk.category}}
    data: dict[str, np.ndarray] = {"incident_id": rank[rows],
                                   "site_ods": chunk.inc["site"][rows].astype(np.int32) + 1}
    width = max(6, len(str(chunk.n)))
    prefix = f"{trust.ods}-{period.year:04d}{period.month:02d}-"
    exprs = [
        (pl.lit(prefix) + pl.col("incident_id").cast(pl.Utf8).str.zfill(width))
        .alias("incident_id"),
        _lookup([None, *trust.site_codes]).gather(pl.col("site_ods")).alias("site_ods"),
        pl.lit(trust.sector, dtype=pl.Utf8).alias("sector"),
    ]
    for name, (kind, level, key, code_list) in _COLUMN_SOURCES.items():
        array = sources[level][key]
        values = array[staff_rows] if level == _STF else array[rows]
        exprs.append(_column(name, kind, code_list, data, values).alias(name))
    return pl.DataFrame(data).select(exprs).select(fields.COLUMNS)


# --------------------------------------------------------------------------------------------
# Returns, headers and the whole run
# --------------------------------------------------------------------------------------------
def generated_at_us(trust: SyntheticTrust, period: Period, seed: int) -> int:
    """When the trust made the return: a working-hours time 1 to 8 days after the month."""
    rng = np.random.default_rng(np.random.SeedSequence(
        [seed, 3, int.from_bytes(trust.ods.encode(), "big"), period.index]))
    day = period.following.start + timedelta(days=int(rng.integers(0, 8)))
    seconds = int(rng.integers(7 * 3600, 18 * 3600))
    return int(localise(np.array([_local_day_us(day) + seconds * _US]))[0])


def return_header(trust: SyntheticTrust, period: Period, generated_us: int,
                  headcount: np.ndarray) -> dict[str, object]:
    return {
        "standard_version": codes.STANDARD_VERSION,
        "organisation_ods": trust.ods,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "generated_at": iso_datetimes(np.array([generated_us]))[0],
        "staff_headcount": {g: int(n) for g, n in zip(GROUPS, headcount.tolist(), strict=True)},
    }


def _chunk_rng(seed: int, trust: SyntheticTrust, period: Period) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(
        [seed, 4, int.from_bytes(trust.ods.encode(), "big"), period.index]))


@dataclass
class Summary:
    """What a run produced, for the CLI's summary and the calibration checks."""

    trusts: int = 0
    months: int = 0
    scale: float = 1.0
    returns: int = 0
    incidents: int = 0
    rows: int = 0
    late: int = 0
    bytes: int = 0
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # sector -> per category
    medical_physical: dict[str, int] = field(default_factory=dict)
    true_physical: dict[str, int] = field(default_factory=dict)
    staff_years: dict[str, float] = field(default_factory=dict)
    trusts_by_sector: dict[str, int] = field(default_factory=dict)
    headcount_by_sector: dict[str, int] = field(default_factory=dict)
    staff_rows_by_group: dict[str, int] = field(default_factory=dict)
    # Expected reported physical assaults per year at this scale (the calibration's target).
    target_physical: dict[str, float] = field(default_factory=dict)

    def add(self, chunk: Chunk, staff_years: float) -> None:
        s = chunk.sector
        self.incidents += chunk.n
        self.rows += len(chunk.row_incident)
        self.late += int(chunk.inc["late"].sum())
        counts = np.bincount(chunk.category, minlength=len(CATEGORIES))
        self.counts[s] = self.counts.get(s, np.zeros(len(CATEGORIES), dtype=np.int64)) + counts
        medical = int(((chunk.category == PHYSICAL) & (chunk.inc["medical"] == 1)).sum())
        self.medical_physical[s] = self.medical_physical.get(s, 0) + medical
        self.true_physical[s] = self.true_physical.get(s, 0) + chunk.true_physical
        self.staff_years[s] = self.staff_years.get(s, 0.0) + staff_years
        groups = np.bincount(chunk.staff["group"], minlength=len(GROUPS))
        for g, k in zip(GROUPS, groups.tolist(), strict=True):
            self.staff_rows_by_group[g] = self.staff_rows_by_group.get(g, 0) + k

    def figures(self) -> dict[str, object]:
        """The calibration figures, for a year (counts scaled by 12 / months)."""
        year = 12 / max(self.months, 1)
        total = sum(self.counts.values(), np.zeros(len(CATEGORIES), dtype=np.int64))
        physical = int(total[PHYSICAL])
        by_sector = {s: int(c[PHYSICAL]) for s, c in self.counts.items()}
        return {
            "incidents_per_year": round(self.incidents * year),
            "physical_assaults_per_year": round(physical * year),
            "physical_share_by_sector": {s: v / physical for s, v in by_sector.items()}
            if physical else {},
            "medical_factors_share": sum(self.medical_physical.values()) / physical
            if physical else 0.0,
            "medical_factors_share_by_sector": {
                s: self.medical_physical[s] / by_sector[s] for s in by_sector if by_sector[s]},
            "verbal_to_physical": float(total[_ci("verbal_abuse_threat")]) / physical
            if physical else 0.0,
            "physical_per_1000_staff_per_year": {
                s: 1000 * by_sector[s] / self.staff_years[s] for s in by_sector
                if self.staff_years.get(s)},
            "reporting_fraction_by_sector": {
                s: by_sector[s] / self.true_physical[s] for s in by_sector
                if self.true_physical.get(s)},
            "late_share": self.late / self.incidents if self.incidents else 0.0,
            "staff_per_incident": self.rows / self.incidents if self.incidents else 0.0,
            "category_counts": {c: int(k) for c, k in zip(CATEGORIES, total.tolist(),
                                                          strict=True)},
        }


def expected_incidents(trusts: list[SyntheticTrust], periods: list[Period],
                       calibration: Calibration) -> float:
    """The expected number of incidents at scale 1 (to choose a scale for a target)."""
    return sum(float(calibration.rates[t.sector].sum()) * exposure(t, p)
               for t in trusts for p in periods)


def _write_csv(frame: pl.DataFrame, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, null_value="", line_terminator="\n")
    return path.stat().st_size


def _write_json(data: object, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path.stat().st_size


def _trust_returns(trust: SyntheticTrust, periods: list[Period], calibration: Calibration,
                   seed: int, scale: float) -> Iterator[tuple[Period, Chunk, pl.DataFrame,
                                                              dict[str, object], float]]:
    for period in periods:
        rng = _chunk_rng(seed, trust, period)
        counts, true = category_counts(trust, period, calibration, rng, scale)
        generated = generated_at_us(trust, period, seed)
        chunk = generate_chunk(trust, period, counts, calibration, rng, generated)
        chunk.true_physical = true
        headcount = monthly_headcount(trust, period)
        header = return_header(trust, period, generated, headcount)
        staff_years = float(headcount.sum()) * period.days / 365.25
        yield period, chunk, chunk_frame(chunk, trust, period), header, staff_years


def generate(out: Path | str, *, trusts: int = REFERENCE_TRUSTS, months: int = 12,
             start: Period | None = None, seed: int = 0, scale: float = 1.0,
             target_incidents: int | None = None, fmt: str = "csv",
             progress: Callable[[int, int, Summary], None] | None = None) -> Summary:
    """Write a synthetic national collection to `out`:

    - returns/<ODS>/<YYYY-MM>.csv (fmt "csv") and returns/<ODS>/<YYYY-MM>.header.json,
      or one returns.parquet with every row, the return's ODS code and month first (fmt
      "parquet"; the header files are written too);
    - trusts.csv (ods, name, sector, region) and headcounts.csv (ods, month, staff_group,
      headcount).

    One trust-month is generated at a time, so memory stays bounded by the largest return.
    """
    out = Path(out)
    start = start or Period(*DEFAULT_START)
    periods = [start.plus(i) for i in range(months)]
    universe = make_trusts(trusts, seed)
    calibration = calibrate(universe)
    if target_incidents is not None:
        scale = target_incidents / expected_incidents(universe, periods, calibration)
    summary = Summary(trusts=len(universe), months=months, scale=scale)
    summary.bytes += _write_universe(out, universe, periods, seed)
    parts = out / ".parts"
    if fmt == "parquet":
        parts.mkdir(parents=True, exist_ok=True)
    for done, trust in enumerate(universe, start=1):
        summary.trusts_by_sector[trust.sector] = summary.trusts_by_sector.get(trust.sector, 0) + 1
        summary.headcount_by_sector[trust.sector] = (
            summary.headcount_by_sector.get(trust.sector, 0) + trust.total_headcount)
        summary.target_physical[trust.sector] = (
            summary.target_physical.get(trust.sector, 0.0) + scale
            * calibration.reference_physical[trust.sector] / SECTOR_TRUSTS[trust.sector])
        frames = []
        for period, chunk, frame, header, staff_years in _trust_returns(
                trust, periods, calibration, seed, scale):
            folder = out / "returns" / trust.ods
            summary.bytes += _write_json(header, folder / f"{period.label}.header.json")
            if fmt == "parquet":
                frames.append(frame.select(pl.lit(trust.ods).alias("organisation_ods"),
                                           pl.lit(period.label).alias("period"), pl.all()))
            else:
                summary.bytes += _write_csv(frame, folder / f"{period.label}.csv")
            summary.returns += 1
            summary.add(chunk, staff_years)
        if frames:
            pl.concat(frames).write_parquet(parts / f"{done:06d}.parquet")
        if progress:
            progress(done, len(universe), summary)
    if fmt == "parquet":
        summary.bytes += _combine_parquet(parts, out / "returns.parquet")
    return summary


def _combine_parquet(parts: Path, target: Path) -> int:
    files = sorted(parts.glob("*.parquet"))
    if files:
        pl.scan_parquet(files).sink_parquet(target, compression="zstd")
    shutil.rmtree(parts)
    return target.stat().st_size if target.exists() else 0


def _write_universe(out: Path, universe: list[SyntheticTrust], periods: list[Period],
                    seed: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    trusts = pl.DataFrame({"ods": [t.ods for t in universe], "name": [t.name for t in universe],
                           "sector": [t.sector for t in universe],
                           "region": [t.region for t in universe]})
    rows = {"ods": [], "month": [], "staff_group": [], "headcount": []}
    for trust in universe:
        for period in periods:
            headcount = monthly_headcount(trust, period)
            rows["ods"] += [trust.ods] * len(GROUPS)
            rows["month"] += [period.label] * len(GROUPS)
            rows["staff_group"] += list(GROUPS)
            rows["headcount"] += headcount.tolist()
    return (_write_csv(trusts, out / "trusts.csv")
            + _write_csv(pl.DataFrame(rows), out / "headcounts.csv"))


# --------------------------------------------------------------------------------------------
# One big return, for the load benchmark
# --------------------------------------------------------------------------------------------
def write_single_return(path: Path | str, rows: int = 1_000_000, *, seed: int = 0,
                        period: str = "2026-03", sector: str = "acute",
                        ods: str | None = None) -> dict[str, object]:
    """Write one return of exactly `rows` rows (one trust of the given sector, one month) to
    `path` (CSV) and its header beside it (`<name>.header.json`); return the header."""
    if rows < 1:
        raise ValueError("A return needs at least one row.")
    if sector not in SECTORS:
        raise ValueError(f"sector must be one of {', '.join(SECTORS)}.")
    when = Period.parse(period)
    universe = make_trusts(len(SECTORS), seed)
    trust = next(t for t in universe if t.sector == sector)
    if ods:
        trust = replace(trust, ods=ods, site_codes=tuple(ods + c[-2:] for c in trust.site_codes))
    calibration = calibrate(universe)
    rng = _chunk_rng(seed, trust, when)
    staff = _exact_staff(rng, sector, rows)
    share = calibration.rates[sector] / calibration.rates[sector].sum()
    counts = rng.multinomial(len(staff), share)
    generated = generated_at_us(trust, when, seed)
    chunk = generate_chunk(trust, when, counts, calibration, rng, generated,
                           staff_per_incident=staff)
    frame = chunk_frame(chunk, trust, when)
    header = return_header(trust, when, generated, monthly_headcount(trust, when))
    path = Path(path)
    _write_csv(frame, path)
    _write_json(header, path.with_name(path.name.removesuffix(".csv") + ".header.json"))
    return header


def _exact_staff(rng: np.random.Generator, sector: str, rows: int) -> np.ndarray:
    """Staff per incident for just enough incidents to fill exactly `rows` rows."""
    two, three = EXTRA_STAFF[sector][1]
    u = rng.random(rows)
    staff = 1 + (u < two + three).astype(np.int64) + (u < three).astype(np.int64)
    total = np.cumsum(staff)
    keep = int(np.searchsorted(total, rows)) + 1
    staff = staff[:keep].copy()
    staff[-1] -= int(total[keep - 1]) - rows  # stays >= 1: the rows before are fewer than rows
    return staff
