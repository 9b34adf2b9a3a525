"""The trust dashboard's roll-up (ADR 0012), pure: a month of a trust's incidents as counts.

One row per month and *key*, with the count ``n``; every count the lead's whole-trust dashboard
shows is a sum of these rows over months:

* incidents: ``incidents``; ``category:<code>``; ``unit:<id>``; ``setting:<code>`` and
  ``setting_pa:<code>`` (physical assaults only), the same for ``perpetrator_type``;
  ``medical`` (medical factors) and ``factor:<code>``; ``hour:<0-23>:<1-7>`` (UK local time,
  ISO weekday); ``police`` (informed), ``ewa`` (the Emergency Workers Act applies),
  ``outcome:<code>`` (of those informed) and ``sanction:<code>``;
* members of staff: ``people``, ``people_pa`` (in physical assaults), ``people:<group>``,
  ``people_pa:<group>``, ``injured``, ``injured:<group>``, ``severity:<code>`` (of the injured),
  ``absent`` (took time off), ``days`` and ``days:<group>`` (days lost).

The category is part of a few keys only, so a month holds a few hundred rows however many
incidents it has; a view narrowed to one category is counted from the incidents.

Input frames (one month or many; ``month`` is the first day of the local month):

* incidents: ``id``, ``unit_id``, ``month``, ``hour``, ``weekday``, ``category``, ``setting``,
  ``perpetrator_type``, ``medical_factors``, ``factors`` and ``sanctions`` (JSON lists as
  text), ``police_informed``, ``ewa``, ``police_outcome``;
* staff: ``incident_id``, ``staff_group``, ``injury``, ``injury_severity``, ``days_absent``.
"""

from __future__ import annotations

import polars as pl

from staffsafe.datastandard import codes

OUT_SCHEMA = {"month": pl.Date, "key": pl.Utf8, "n": pl.Int64}
PHYSICAL_ASSAULT = "physical_assault"
INCIDENT_SCHEMA: dict[str, type[pl.DataType]] = {
    "id": pl.Utf8, "unit_id": pl.Int64, "month": pl.Date, "hour": pl.Int64,
    "weekday": pl.Int64, "category": pl.Utf8, "setting": pl.Utf8, "perpetrator_type": pl.Utf8,
    "medical_factors": pl.Boolean, "factors": pl.Utf8, "police_informed": pl.Boolean,
    "ewa": pl.Boolean, "police_outcome": pl.Utf8, "sanctions": pl.Utf8,
}
STAFF_SCHEMA: dict[str, type[pl.DataType]] = {
    "incident_id": pl.Utf8, "staff_group": pl.Utf8, "injury": pl.Boolean,
    "injury_severity": pl.Utf8, "days_absent": pl.Int64,
}
KEYS = ["month"]


def _counted(frame: pl.DataFrame, key: pl.Expr, value: pl.Expr | None = None) -> pl.DataFrame:
    """Rows of ``frame`` added up by month, category and ``key`` (``value`` or 1 each)."""
    n = (value if value is not None else pl.lit(1)).cast(pl.Int64)
    return (frame.select(*KEYS, key.alias("key"), n.alias("n"))
            .filter(pl.col("key").is_not_null())
            .group_by(*KEYS, "key").agg(pl.col("n").sum()))


def _flag(name: str) -> pl.Expr:
    return pl.col(name).fill_null(False)


def _listed(name: str, code: str) -> pl.Expr:
    return pl.col(name).fill_null("").str.contains(f'"{code}"', literal=True)


def _physical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("category") == PHYSICAL_ASSAULT)


def _incident_counts(incidents: pl.DataFrame) -> list[pl.DataFrame]:
    setting = pl.col("setting").fill_null("")
    perpetrator = pl.col("perpetrator_type").fill_null("")
    parts = [
        _counted(incidents, pl.lit("incidents")),
        _counted(incidents, pl.format("category:{}", pl.col("category"))),
        _counted(incidents, pl.format("unit:{}", pl.col("unit_id"))),
        _counted(incidents, pl.lit("setting:") + setting),
        _counted(_physical(incidents), pl.lit("setting_pa:") + setting),
        _counted(incidents, pl.lit("perpetrator_type:") + perpetrator),
        _counted(_physical(incidents), pl.lit("perpetrator_type_pa:") + perpetrator),
        _counted(incidents, pl.format("hour:{}:{}", pl.col("hour"), pl.col("weekday"))),
        _counted(incidents.filter(_flag("medical_factors")), pl.lit("medical")),
        _counted(incidents.filter(_flag("police_informed")), pl.lit("police")),
        _counted(incidents.filter(_flag("police_informed")),
                 pl.format("outcome:{}", pl.col("police_outcome").fill_null(""))),
        _counted(incidents.filter(_flag("ewa")), pl.lit("ewa")),
    ]
    parts += [_counted(incidents.filter(_listed("factors", code)), pl.lit(f"factor:{code}"))
              for code in codes.FACTOR.values]
    parts += [_counted(incidents.filter(_listed("sanctions", code)),
                       pl.lit(f"sanction:{code}")) for code in codes.CIVIL_ADMIN_SANCTION.values]
    return parts


def _staff_counts(staff: pl.DataFrame) -> list[pl.DataFrame]:
    group = pl.col("staff_group").fill_null("")
    days = pl.col("days_absent").fill_null(0)
    injured = staff.filter(_flag("injury"))
    return [
        _counted(staff, pl.lit("people")),
        _counted(_physical(staff), pl.lit("people_pa")),
        _counted(staff, pl.lit("people:") + group),
        _counted(_physical(staff), pl.lit("people_pa:") + group),
        _counted(injured, pl.lit("injured")),
        _counted(injured, pl.lit("injured:") + group),
        _counted(injured, pl.format("severity:{}", pl.col("injury_severity").fill_null(""))),
        _counted(staff.filter(days > 0), pl.lit("absent")),
        _counted(staff, pl.lit("days"), days),
        _counted(staff, pl.lit("days:") + group, days),
    ]


def cells(incidents: pl.DataFrame, staff: pl.DataFrame) -> pl.DataFrame:
    """The roll-up rows of these incidents and their staff (``n`` > 0 only)."""
    incidents = incidents.with_columns(pl.col("category").fill_null(""))
    staff = staff.join(incidents.select(pl.col("id").alias("incident_id"), *KEYS, "category"),
                       on="incident_id", how="inner")
    parts = [p for p in [*_incident_counts(incidents), *_staff_counts(staff)] if p.height]
    if not parts:
        return pl.DataFrame(schema=OUT_SCHEMA)
    out = pl.concat([p.select(list(OUT_SCHEMA)).cast(OUT_SCHEMA) for p in parts])
    return out.filter(pl.col("n") > 0).sort(*KEYS, "key")
