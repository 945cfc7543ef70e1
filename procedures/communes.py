"""The communes before and after 1 July 2025, read from the offline data and indexed by every name.

The data is the offline old → new mapping shipped by the ``vietnamadminunits`` package (see
``docs/addresses.md``). Its files are read by :func:`load` (the caller reads them once, on
first use); the package itself is never imported, because its import loads ~0.6 s of data and
geocoding libraries. Every name is indexed under its folded key, with and without the unit
word ("phuongbennghe", "bennghe", "q1"), for :mod:`procedures.mentions` to look up.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from procedures.folding import fold

DATA_PACKAGE = "vietnamadminunits"
_NOT_KEY = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Province:
    """A province-level unit after 1 July 2025 (one of 34)."""

    code: str  # official two-digit code, e.g. "79"
    name: str  # "Thành phố Hồ Chí Minh"


@dataclass(frozen=True)
class NewCommune:
    """A commune-level unit after 1 July 2025: commune (xã), ward (phường) or special zone (đặc khu)."""

    code: str  # official five-digit code, e.g. "26740"
    name: str  # "Phường Sài Gòn"
    kind: str  # "Phường", "Xã" or "Đặc khu"
    province: Province

    @property
    def full_name(self) -> str:
        """``"Phường Sài Gòn, Thành phố Hồ Chí Minh"``."""
        return f"{self.name}, {self.province.name}"


@dataclass(frozen=True)
class OldCommune:
    """A commune-level unit as it was before 1 July 2025 (an island district without communes too)."""

    code: str  # its old five-digit code ("" for an island district without communes, e.g. Côn Đảo)
    name: str  # "Phường Bến Nghé" (or "Huyện Côn Đảo")
    district: str  # "Quận 1"
    province: str  # "Thành phố Hồ Chí Minh" (the old province: "Tỉnh Hải Dương" …)
    successors: tuple[str, ...]  # codes of the new communes it became (part of)

    @property
    def full_name(self) -> str:
        """``"Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh"``."""
        parts = [self.name, self.district, self.province] if self.name != self.district else [self.name, self.province]
        return ", ".join(parts)


_WARD_PREFIXES = {
    "Phường": ("phuong", "p", "f", "ward"),
    "Xã": ("xa", "x", "commune"),
    "Thị trấn": ("thitran", "tt", "town"),
    "Đặc khu": ("dackhu", "dk"),
}
_DISTRICT_PREFIXES = {
    "Quận": ("quan", "q", "district"),
    "Huyện": ("huyen", "h"),
    "Thị xã": ("thixa", "tx"),
    "Thành phố": ("thanhpho", "tp"),
}
_PROVINCE_PREFIXES = {"Tỉnh": ("tinh",), "Thành phố": ("thanhpho", "tp")}
_EXTRA_PROVINCE_KEYS = {"hochiminh": ("tphcm", "hcmc", "saigon", "tpsaigon"), "hanoi": ("tphn",)}

# Successors the package's mapping misses, from the official conversion table (the National
# Statistics Office's "bảng chuyển đổi ĐVHC mới - cũ", compared on 2026-12-06: the package agrees
# for 9,996 of 10,033 old communes and, where it differs, mostly lists one candidate too many,
# which only costs a question). Only these four would have been a wrong or incomplete answer;
# additions only, so the bot asks rather than answers wrongly. See docs/addresses.md.
_ADDED_SUCCESSORS: dict[str, tuple[str, ...]] = {
    "00553": ("00562",),  # Xã Cổ Bi, Gia Lâm, Hà Nội: also Xã Thuận An
    "09013": ("09817",),  # Xã Văn Khê, Mê Linh, Hà Nội: also Xã Ô Diên
    "01615": ("01648",),  # Xã Hồng Quang, Quảng Hòa, Cao Bằng: also Xã Phục Hòa
    "02485": ("02494",),  # Xã Công Đa, Yên Sơn, Tuyên Quang: also Xã Thái Bình
}

Level = Literal["province", "district", "old", "new"]
RANK: dict[str, int] = {"province": 3, "district": 2, "old": 1, "new": 1}


class Hit(NamedTuple):
    """What one key (a folded name) names: a unit of one level, and how sure that is."""

    level: Level
    ref: str  # province: new code ("79") or "old:<old code>"; district: old code; old: index; new: code
    prefixed: bool  # the key carried a unit word ("phuong ben nghe", "q1"): a sure level
    name: str  # the name as written, with its marks ("Bến Nghé"); "" for an alias


@dataclass
class Gazetteer:
    """The provinces and communes, old and new, the old districts, and every name they go by."""

    provinces: dict[str, Province] = field(default_factory=dict)
    new: dict[str, NewCommune] = field(default_factory=dict)
    old: list[OldCommune] = field(default_factory=list)
    old_place: list[tuple[str, str]] = field(default_factory=list)  # old index → (old province code, district code)
    districts: dict[str, tuple[str, str]] = field(default_factory=dict)  # district code → (old province code, name)
    # district code → old index of the district as a whole, when all of it went to one new unit
    # (an island district without communes, "huyện Côn Đảo" → đặc khu Côn Đảo; "TP Phú Quốc")
    whole_districts: dict[str, int] = field(default_factory=dict)
    old_province: dict[str, str] = field(default_factory=dict)  # old province code → new province code
    vanished: set[str] = field(default_factory=set)  # old province codes whose name no province carries now
    keys: dict[str, list[Hit]] = field(default_factory=dict)

    def add(self, key: str, hit: Hit) -> None:
        """Index ``hit`` under ``key`` (an empty key is no name)."""
        if key:
            self.keys.setdefault(key, []).append(hit)


def data_dir() -> Path:
    """The folder of the package's data files, found without importing the package."""
    spec = importlib.util.find_spec(DATA_PACKAGE)  # finds the package without importing (running) it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {DATA_PACKAGE} package is not installed (it ships the commune data)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _aliases(raw: str | None) -> list[str]:
    return [str(item) for item in json.loads(raw)] if raw else []


def load(directory: Path) -> Gazetteer:
    """Read the package's SQLite table of units and its old → new mapping, and index every name."""
    new_rows, old_rows, converter = _read(directory)
    data = Gazetteer()
    new_by_key, province_by_key = _add_new_units(data, new_rows)
    successors = _successors(converter, new_by_key)
    for new_pkey, old_pkeys in converter["DICT_PROVINCE"].items():
        for old_pkey in old_pkeys:
            province_by_key.setdefault("old:" + old_pkey, province_by_key[new_pkey])
    district_successors = _add_old_units(data, old_rows, successors, province_by_key)
    _add_whole_districts(data, district_successors)
    return data


def _read(directory: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[str, Any]]:
    """The rows of the current and the old units, and the old → new conversion table."""
    connection = sqlite3.connect(f"file:{directory / 'dataset.db'}?mode=ro&immutable=1", uri=True)
    try:
        new_rows = connection.execute(
            "SELECT provinceCode, province, provinceShort, provinceKey, provinceAlias,"
            " wardCode, ward, wardShort, wardType, wardKey, wardAlias FROM admin_units"
        ).fetchall()
        old_rows = connection.execute(
            "SELECT provinceCode, province, provinceShort, provinceKey, provinceAlias,"
            " districtCode, district, districtShort, districtType, districtKey, districtAlias,"
            " wardCode, ward, wardShort, wardType, wardKey, wardAlias FROM admin_units_legacy"
        ).fetchall()
    finally:
        connection.close()
    converter = json.loads((directory / "converter_2025.json").read_text(encoding="utf-8"))
    return new_rows, old_rows, converter


def _add_new_units(
    data: Gazetteer, rows: Iterable[tuple[Any, ...]]
) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Add and index the current provinces and communes; return the package's keys → their codes."""
    new_by_key: dict[tuple[str, str], str] = {}
    province_by_key: dict[str, str] = {}
    for pcode, pname, pshort, pkey, palias, code, name, short, kind, wkey, walias in rows:
        if pcode not in data.provinces:
            data.provinces[pcode] = Province(pcode, pname)
            province_by_key[pkey] = pcode
            _index_province(data, pcode, pname, pshort, _aliases(palias), pcode)
        commune = NewCommune(code, name, kind, data.provinces[pcode])
        data.new[code] = commune
        new_by_key[(pkey, wkey)] = code
        _index_unit(data, "new", code, short, kind, _aliases(walias))
    return new_by_key, province_by_key


def _successors(converter: Mapping[str, Any], new_by_key: Mapping[tuple[str, str], str]) -> dict[str, list[str]]:
    """Old commune key ("<province>_<district>_<ward>") → the codes of the new communes it became (part of)."""
    successors: dict[str, list[str]] = defaultdict(list)
    for new_pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            for old_key in old_keys:
                successors[old_key].append(new_by_key[(new_pkey, new_wkey)])
    for new_pkey, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            for part in parts:
                code = new_by_key[(new_pkey, part["newWardKey"])]
                if code not in successors[old_key]:
                    successors[old_key].append(code)
    return successors


def _add_old_units(
    data: Gazetteer,
    rows: Iterable[tuple[Any, ...]],
    successors: Mapping[str, list[str]],
    province_by_key: Mapping[str, str],
) -> dict[str, set[str]]:
    """Add and index the old provinces, districts and communes; return each district's new communes."""
    new_names = {province.name for province in data.provinces.values()}
    district_successors: dict[str, set[str]] = {}
    for row in rows:
        pcode, pname, pshort, pkey, palias, dcode, dname, dshort, dkind, dkey, dalias = row[:11]
        code, name, short, kind, wkey, walias = row[11:]
        if pcode not in data.old_province:
            data.old_province[pcode] = province_by_key["old:" + pkey]
            if pname not in new_names:
                data.vanished.add(pcode)
            _index_province(data, pcode, pname, pshort, _aliases(palias), "old:" + pcode)
        if dcode not in data.districts:
            data.districts[dcode] = (pcode, dname)
            _index_unit(data, "district", dcode, dshort, dkind, _aliases(dalias))
        targets = successors.get(f"{pkey}_{dkey}_{wkey or ''}")
        if targets and code in _ADDED_SUCCESSORS:
            targets = [*targets, *(c for c in _ADDED_SUCCESSORS[code] if c not in targets)]
        if not targets:
            continue  # every old commune has a successor in the data; skip rather than invent one
        ordered = tuple(sorted(targets, key=lambda c: data.new[c].name))
        data.old.append(OldCommune(code or "", name or dname, dname, pname, ordered))
        data.old_place.append((pcode, dcode))
        index = str(len(data.old) - 1)
        if name is None:
            data.whole_districts[dcode] = int(index)
        else:
            _index_unit(data, "old", index, short, kind, _aliases(walias))
            district_successors.setdefault(dcode, set()).update(ordered)
    return district_successors


def _add_whole_districts(data: Gazetteer, district_successors: Mapping[str, set[str]]) -> None:
    """A district that went as a whole to one new unit is an old unit too ("TP Phú Quốc" → đặc khu Phú Quốc)."""
    for dcode, codes in district_successors.items():
        if len(codes) == 1 and dcode not in data.whole_districts:
            pcode, dname = data.districts[dcode]
            province_name = next(o.province for o, (p, d) in zip(data.old, data.old_place, strict=True) if d == dcode)
            data.old.append(OldCommune("", dname, dname, province_name, tuple(codes)))
            data.old_place.append((pcode, dcode))
            data.whole_districts[dcode] = len(data.old) - 1


def _index_unit(data: Gazetteer, level: Level, ref: str, short: str, kind: str, aliases: Sequence[str]) -> None:
    if short.startswith(kind + " ") and short[len(kind) + 1 :].isdigit():
        short = short[len(kind) + 1 :]  # "Quận 3", "Phường 12": the number is the name
    prefixes = _WARD_PREFIXES.get(kind) or _DISTRICT_PREFIXES.get(kind, ())
    bare = _key(short)
    numbered = bare.isdigit()
    for variant in (bare, bare.zfill(2)) if numbered else (bare,):
        if not numbered:
            data.add(variant, Hit(level, ref, False, short))
        for prefix in prefixes:
            data.add(prefix + variant, Hit(level, ref, True, short))
    for alias in aliases:  # the package's earlier names ("phuong nguyen trung truc"), "q2" → TP Thủ Đức
        if alias.isalnum() and not alias.isdigit():
            data.add(alias, Hit(level, ref, alias[-1].isdigit() or alias.startswith(tuple(prefixes)), ""))


def _index_province(data: Gazetteer, pcode: str, name: str, short: str, aliases: Sequence[str], ref: str) -> None:
    bare = _key(short)
    for key in (bare, *aliases, *_EXTRA_PROVINCE_KEYS.get(bare, ())):
        data.add(key, Hit("province", ref, False, short if key == bare else ""))
    for prefix in _PROVINCE_PREFIXES["Thành phố" if name.startswith("Thành phố") else "Tỉnh"]:
        data.add(prefix + bare, Hit("province", ref, True, short))


def _key(text: str) -> str:
    """The folded letters and digits of a name, without spaces: the lookup key ("Bến Nghé" → "bennghe")."""
    return _NOT_KEY.sub("", fold(text))
