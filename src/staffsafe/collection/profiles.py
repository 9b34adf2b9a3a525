"""Mapping profiles: how a local system's export becomes the national data standard.

A profile is a JSON file (the format is documented in `profiles/README.md`). It says which local
column holds which standard field, which local values mean which standard code, how lists, yes/no
answers and dates are written, and what to assume when the export has no such column.

`load_profile("datix")` finds a built-in profile by name; `load_profile("/path/to/ours.json")`
reads a trust's own. `Profile.apply` turns a table of local strings into a table of standard
strings, vectorised with Polars, leaving any value it cannot translate untouched so that the
validator reports it with the value the trust actually sent.

Pure Python and Polars: no Django, so the CLI, the generator and the benchmarks can use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from staffsafe.datastandard.fields import FIELDS_BY_NAME, LIST_SEPARATOR

# A local column that completes a datetime field with its time of day maps to "<field>.time".
TIME_SUFFIX = ".time"
DATETIME_FIELDS = tuple(f.name for f in FIELDS_BY_NAME.values() if f.type == "datetime")
TIME_TARGETS = tuple(name + TIME_SUFFIX for name in DATETIME_FIELDS)
STANDARD_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S+00:00"
# A value already written the standard way (ISO 8601 with an offset) is left for the validator.
ISO_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_FORMAT_DIRECTIVES = frozenset("dmYyHIMSpbBfjaAeklz%")
_MAX_EXTENDS = 5
_KNOWN_KEYS = frozenset({
    "profile", "name", "description", "standard_version", "extends", "columns", "ignore",
    "codes", "list_separator", "separators", "booleans", "datetimes", "dates", "defaults",
    "derive_late", "comment", "_comment",
})


class ProfileError(ValueError):
    """A profile file that cannot be used, with a message saying where and why."""


def normalise_name(name: object) -> str:
    """A column name as profiles compare it: trimmed, spaces collapsed, lower case, no BOM."""
    return " ".join(str(name).replace("\ufeff", "").split()).lower()


def normalise_value(value: str) -> str:
    return " ".join(value.split()).lower()


@dataclass(frozen=True)
class Profile:
    """A validated mapping profile. Build one with `load_profile` or `Profile.from_dict`."""

    name: str
    description: str = ""
    source: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)  # normalised local -> target
    ignore: frozenset[str] = frozenset()  # normalised local names read and thrown away
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    list_separator: str = LIST_SEPARATOR
    separators: Mapping[str, str] = field(default_factory=dict)
    true_values: frozenset[str] = frozenset({"true"})
    false_values: frozenset[str] = frozenset({"false"})
    datetime_formats: tuple[str, ...] = ()
    timezone: str = "Europe/London"
    default_times: Mapping[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    defaults: Mapping[str, str] = field(default_factory=dict)
    derive_late: bool = False

    # -- columns -------------------------------------------------------------------------

    def target(self, local_name: str) -> str | None:
        """The standard column (or `<field>.time`) a local column name maps to, if any."""
        key = normalise_name(local_name)
        if key in self.columns:
            return self.columns[key]
        if key in FIELDS_BY_NAME or key in TIME_TARGETS:
            return key
        return None

    def ignores(self, local_name: str) -> bool:
        return normalise_name(local_name) in self.ignore

    def local_names(self, standard: str) -> list[str]:
        """The local names (as written in the profile's keys, normalised) of a standard column."""
        return [local for local, target in self.columns.items() if target == standard]

    def hint(self, column: str) -> str:
        """A short reminder of what the profile accepts in a column, for problem messages."""
        spec = FIELDS_BY_NAME.get(column)
        if spec is None:
            return ""
        if spec.type == "boolean":
            spellings = sorted(self.true_values | self.false_values)
            return f" Profile '{self.name}' accepts: {', '.join(spellings)}."
        if spec.type == "datetime" and self.datetime_formats:
            return (f" Profile '{self.name}' reads dates like "
                    f"{', '.join(self.datetime_formats)} ({self.timezone} time).")
        if spec.type == "date" and self.date_formats:
            return f" Profile '{self.name}' reads dates like {', '.join(self.date_formats)}."
        if spec.type in ("code", "codes") and self.codes.get(column):
            return f" Nor is it a local value that profile '{self.name}' maps to {column}."
        return ""

    # -- values --------------------------------------------------------------------------

    def apply(self, table: pl.DataFrame) -> pl.DataFrame:
        """Local strings to standard strings. Columns must already carry standard names.

        Anything that cannot be translated is left as it was, so the validator reports the
        trust's own value. Time-of-day columns (`occurred_at.time`) are folded into their
        datetime and dropped. (`derive_late` is applied by the validator, which knows the
        period.) Coded columns are translated once per distinct value, not once per row.
        """
        columns = []
        for name in table.columns:
            spec = FIELDS_BY_NAME.get(name)
            if spec is None:
                continue
            if spec.type == "datetime":
                columns.append(self._datetimes(table, name))
            elif spec.type == "date":
                columns.append(self._dates(table[name]))
            elif spec.type in ("code", "codes", "boolean") or self.codes.get(name):
                columns.append(_by_distinct(table[name], self._translator(name, spec.type)))
        out = table.with_columns(columns) if columns else table
        for name, value in self.defaults.items():
            fill = pl.lit(value, dtype=pl.String)
            out = out.with_columns((pl.coalesce(_blank_to_null(pl.col(name)), fill)
                                    if name in out.columns else fill).alias(name))
        return out.drop([c for c in out.columns if c in TIME_TARGETS])

    def _pairs(self, column: str) -> dict[str, str]:
        pairs = dict(self.codes.get(column) or {})
        code_list = FIELDS_BY_NAME[column].code_list
        if code_list is not None:  # the standard's own codes, in any case, always work
            for code in code_list.values:
                pairs.setdefault(code.lower(), code)
        return pairs

    def _translator(self, column: str, type_: str) -> Callable[[str], str | None]:
        pairs = self._pairs(column)

        def code(value: str) -> str | None:
            key = normalise_value(value)
            if key == "":
                return None
            mapped = pairs.get(key, value)
            return mapped if mapped != "" else None

        if type_ == "boolean":
            def boolean(value: str) -> str | None:
                mapped = code(value)
                key = normalise_value(mapped) if mapped is not None else ""
                if key in self.true_values:
                    return "true"
                if key in self.false_values:
                    return "false"
                return mapped
            return boolean
        if type_ == "codes":
            separator = self.separators.get(column, self.list_separator)

            def several(value: str) -> str | None:
                parts = [code(part) for part in value.split(separator)]
                return LIST_SEPARATOR.join(p.strip() for p in parts if p and p.strip()) or None
            return several
        return code

    def _datetimes(self, table: pl.DataFrame, name: str) -> pl.Series:
        value = table[name].str.strip_chars()
        time_col = name + TIME_SUFFIX
        if time_col in table.columns:
            clock = table[time_col].str.strip_chars()
            day = value
            if value.str.contains(" ", literal=True).any():  # "14/03/2026 00:00": the date
                day = value.str.split_exact(" ", 1).struct.field("field_0")
            value = pl.select(pl.when(clock.is_not_null() & (clock != "") & day.is_not_null())
                              .then(day + " " + clock).otherwise(value)).to_series()
        if not self.datetime_formats:
            return value.alias(name)
        already = value.str.contains(ISO_WITH_OFFSET).fill_null(False)
        naive = _parse_each(value, ~already & value.is_not_null(), self.datetime_formats,
                            _parse_clock(self.default_times.get(name, "00:00")))
        # Clocks going forward: a local time that does not exist is read an hour later (the
        # wall clock had not been changed); clocks going back: the first of the two readings.
        standard = pl.select(pl.coalesce(
            naive.dt.replace_time_zone(self.timezone, ambiguous="earliest", non_existent="null"),
            (naive + timedelta(hours=1)).dt.replace_time_zone(
                self.timezone, ambiguous="earliest", non_existent="null"),
        ).dt.convert_time_zone("UTC").dt.strftime(STANDARD_DATETIME_FORMAT)).to_series()
        return pl.select(pl.when(already).then(value).otherwise(pl.coalesce(standard, value))
                         ).to_series().alias(name)

    def _dates(self, series: pl.Series) -> pl.Series:
        value = series.str.strip_chars()
        if not self.date_formats:
            return value
        return _by_distinct(value, self._date_translator())

    def _date_translator(self) -> Callable[[str], str | None]:
        def translate(text: str) -> str | None:
            if re.fullmatch(ISO_DATE, text):
                return text
            for fmt in self.date_formats:
                try:
                    return datetime.strptime(text, fmt).date().isoformat()
                except ValueError:
                    continue
            return text
        return translate

    # -- construction --------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "",
                  _depth: int = 0) -> Profile:
        """Check a profile's content and build it; every mistake raises `ProfileError`."""
        if not isinstance(data, Mapping):
            raise ProfileError(f"{source or 'The profile'}: must be a JSON object.")
        data = _resolve_extends(data, source, _depth)
        where = source or str(data.get("profile") or data.get("name") or "the profile")
        unknown = sorted(set(data) - _KNOWN_KEYS)
        if unknown:
            raise ProfileError(f"{where}: unknown key(s) {', '.join(unknown)}; see the profile "
                               "README for the keys a profile may have.")
        version = data.get("standard_version", "1.0")
        if str(version) != "1.0":
            raise ProfileError(f"{where}: standard_version '{version}' is not supported (1.0).")
        dt_spec = _mapping(data.get("datetimes", {}), where, "datetimes")
        date_spec = _mapping(data.get("dates", {}), where, "dates")
        booleans = _mapping(data.get("booleans", {}), where, "booleans")
        timezone = str(dt_spec.get("timezone", "Europe/London"))
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ProfileError(f"{where}: datetimes.timezone '{timezone}' is not a known time "
                               "zone (e.g. Europe/London).") from exc
        return cls(
            name=str(data.get("profile") or data.get("name") or Path(source).stem or "profile"),
            description=str(data.get("description", "")),
            source=source,
            columns=_columns(data.get("columns", {}), where),
            ignore=frozenset(normalise_name(n) for n in _list(data.get("ignore", []), where,
                                                              "ignore")),
            codes=_code_maps(data.get("codes", {}), where),
            list_separator=_separator(data.get("list_separator", LIST_SEPARATOR), where,
                                      "list_separator"),
            separators=_separators(data.get("separators", {}), where),
            true_values=frozenset({"true"} | {normalise_value(str(v)) for v in _list(
                booleans.get("true", []), where, "booleans.true")}),
            false_values=frozenset({"false"} | {normalise_value(str(v)) for v in _list(
                booleans.get("false", []), where, "booleans.false")}),
            datetime_formats=_formats(dt_spec.get("formats", []), where, "datetimes.formats"),
            timezone=timezone,
            default_times=_default_times(dt_spec.get("default_time", {}), where),
            date_formats=_formats(date_spec.get("formats", []), where, "dates.formats"),
            defaults=_defaults(data.get("defaults", {}), where),
            derive_late=bool(data.get("derive_late", False)),
        )


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    stripped = expr.str.strip_chars()
    return pl.when(stripped == "").then(pl.lit(None, pl.String)).otherwise(stripped)


def _has_time(fmt: str) -> bool:
    return any(d in fmt for d in ("%H", "%I", "%M", "%S", "%T", "%R"))


def _by_distinct(series: pl.Series, translate: Callable[[str], str | None]) -> pl.Series:
    """Translate each distinct value once (a month's return has few distinct codes)."""
    distinct = series.drop_nulls().unique().to_list()
    changed = {v: t for v in distinct if (t := translate(v)) != v}
    if not changed:
        return series
    return series.replace(list(changed), list(changed.values()))


def _parse_each(value: pl.Series, todo: pl.Series, formats: tuple[str, ...],
                default_time: time) -> pl.Series:
    """Naive datetimes from the first format that reads each value; null where none does.
    Each format after the first is tried only on the values still unread."""
    result = pl.Series(value.name, [None] * value.len(), dtype=pl.Datetime("us"))
    for fmt in formats:
        remaining = todo & result.is_null()
        if not remaining.any():
            break
        positions = remaining.arg_true()
        texts = value.gather(positions)
        if _has_time(fmt):
            parsed = texts.str.to_datetime(fmt, strict=False, time_unit="us")
        else:
            parsed = pl.select(texts.str.to_date(fmt, strict=False).dt.combine(
                default_time, "us")).to_series()
        result = result.scatter(positions, parsed)
    return result


def _parse_clock(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def _mapping(value: Any, where: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProfileError(f"{where}: '{key}' must be an object.")
    return value


def _list(value: Any, where: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProfileError(f"{where}: '{key}' must be a list.")
    return value


def _columns(value: Any, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for local, target in _mapping(value, where, "columns").items():
        if not isinstance(target, str) or (target not in FIELDS_BY_NAME
                                           and target not in TIME_TARGETS):
            raise ProfileError(
                f"{where}: column '{local}' maps to '{target}', which is not a field of the "
                f"standard (or a time part such as occurred_at{TIME_SUFFIX}).")
        out[normalise_name(local)] = target
    return out


def _code_maps(value: Any, where: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for column, mapping in _mapping(value, where, "codes").items():
        spec = FIELDS_BY_NAME.get(column)
        if spec is None:
            raise ProfileError(f"{where}: codes are given for '{column}', which is not a field "
                               "of the standard.")
        pairs: dict[str, str] = {}
        for local, code in _mapping(mapping, where, f"codes.{column}").items():
            if not isinstance(code, str) or not _valid_target(spec, code):
                raise ProfileError(f"{where}: codes.{column} maps '{local}' to '{code}', which "
                                   f"is not a valid value for {column}{_allowed(spec)}.")
            pairs[normalise_value(str(local))] = code
        out[column] = pairs
    return out


def _valid_target(spec: Any, code: str) -> bool:
    if code == "":
        return True
    if spec.type == "code":
        return code in spec.code_list
    if spec.type == "codes":
        return all(part in spec.code_list for part in code.split(LIST_SEPARATOR))
    if spec.type == "boolean":
        return code in ("true", "false")
    if spec.type == "integer":
        return code.isdigit()
    return True


def _allowed(spec: Any) -> str:
    if spec.code_list is not None:
        return f" ({', '.join(spec.code_list.values)}, or '' for blank)"
    if spec.type == "boolean":
        return " (true, false or '')"
    return ""


def _separator(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value or value.strip() != value or len(value) > 3:
        raise ProfileError(f"{where}: '{key}' must be a short separator such as ';' or ','.")
    return value


def _separators(value: Any, where: str) -> dict[str, str]:
    out = {}
    for column, sep in _mapping(value, where, "separators").items():
        spec = FIELDS_BY_NAME.get(column)
        if spec is None or spec.type != "codes":
            raise ProfileError(f"{where}: separators.{column}: only multi-code fields "
                               "(method, hate_characteristics, factors, civil_admin_sanctions) "
                               "have a separator.")
        out[column] = _separator(sep, where, f"separators.{column}")
    return out


def _formats(value: Any, where: str, key: str) -> tuple[str, ...]:
    formats = _list(value, where, key)
    for fmt in formats:
        directives = re.findall(r"%[.:#]?(.)", fmt) if isinstance(fmt, str) else None
        if not directives or not set(directives) <= _FORMAT_DIRECTIVES:
            raise ProfileError(f"{where}: {key}: '{fmt}' is not a date format such as "
                               "'%d/%m/%Y %H:%M'.")
    return tuple(formats)


def _default_times(value: Any, where: str) -> dict[str, str]:
    out = {}
    for name, text in _mapping(value, where, "datetimes.default_time").items():
        if name not in DATETIME_FIELDS or not isinstance(text, str) or not re.fullmatch(
                r"([01]\d|2[0-3]):[0-5]\d", text):
            raise ProfileError(f"{where}: datetimes.default_time.{name} must name a datetime "
                               "field (occurred_at, reported_at) and give a time like '23:59'.")
        out[name] = text
    return out


def _defaults(value: Any, where: str) -> dict[str, str]:
    out = {}
    for name, default in _mapping(value, where, "defaults").items():
        spec = FIELDS_BY_NAME.get(name)
        if spec is None or not isinstance(default, str) or not _valid_target(spec, default):
            raise ProfileError(f"{where}: defaults.{name} = '{default}' is not a valid value "
                               f"for a field of the standard{_allowed(spec) if spec else ''}.")
        if name == "incident_id":
            raise ProfileError(f"{where}: incident_id cannot have a default.")
        out[name] = default
    return out


def _resolve_extends(data: Mapping[str, Any], source: str, depth: int) -> Mapping[str, Any]:
    base_name = data.get("extends")
    if not base_name:
        return data
    if depth >= _MAX_EXTENDS or not isinstance(base_name, str):
        raise ProfileError(f"{source}: 'extends' must name one profile, at most "
                           f"{_MAX_EXTENDS} deep.")
    base = _raw_profile(base_name, relative_to=source)
    base = _resolve_extends(base, base_name, depth + 1)
    merged: dict[str, Any] = {k: v for k, v in base.items() if k not in ("profile", "name")}
    for key, value in data.items():
        if key == "extends":
            continue
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            inner = dict(merged[key])
            for k2, v2 in value.items():
                if isinstance(v2, Mapping) and isinstance(inner.get(k2), Mapping):
                    inner[k2] = {**inner[k2], **v2}
                else:
                    inner[k2] = v2
            merged[key] = inner
        else:
            merged[key] = value
    return merged


def builtin_profiles() -> list[str]:
    """The names of the profiles shipped with StaffSafe."""
    folder = resources.files("staffsafe.collection").joinpath("profiles")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def _raw_profile(name_or_path: str | Path, relative_to: str = "") -> dict[str, Any]:
    text = str(name_or_path)
    candidates = [Path(text)]
    if relative_to and not Path(text).is_absolute():
        candidates.insert(0, Path(relative_to).parent / text)
    looks_like_path = text.endswith(".json") or "/" in text or "\\" in text
    for path in candidates:
        if looks_like_path and path.is_file():
            return _parse(path.read_bytes(), str(path))
    if re.fullmatch(r"[A-Za-z0-9_-]+", text):
        resource = resources.files("staffsafe.collection").joinpath("profiles", f"{text}.json")
        if resource.is_file():
            return _parse(resource.read_bytes(), f"built-in profile '{text}'")
    known = ", ".join(builtin_profiles()) or "none"
    raise ProfileError(f"No profile '{text}': give the name of a built-in profile ({known}) or "
                       "the path of a profile JSON file.")


def _parse(raw: bytes, where: str) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{where}: a profile must be saved as UTF-8.") from exc
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                           f"{exc.msg}).") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: a profile must be a JSON object.")
    return data


def load_profile(name_or_path: str | Path | Profile) -> Profile:
    """A built-in profile by name (`datix`) or a trust's own profile file by path."""
    if isinstance(name_or_path, Profile):
        return name_or_path
    return Profile.from_dict(_raw_profile(name_or_path), source=str(name_or_path))
