"""Who to turn to when a citizen is stuck: the one-stop desk, hotlines, the community tech team.

Contacts are configuration, not code: an operator (a commune or province) writes a YAML
file (``DVCBOT_CONTACTS_FILE``) with a default block and optional per-commune blocks::

    default:
      desk: {vi: "...", en: "..."}
      hotline: "0xx..."            # optional
      team: {vi: "...", en: "..."}  # the community digital-technology team
    communes:
      "26740":                     # the official code of the commune (since 1 July 2025) ...
        desk: {vi: "...", en: "..."}
        hotline: "..."
      xa-tan-lap:                  # ... or any key, with the commune's name (and province)
        commune: Xã Tân Lập, Tây Ninh
        name: Xã Tân Lập           # optional: the name shown (else the official one)

Communes are keyed by their official code (``procedures.addresses``): a block's commune is
its key when that is a code, else its ``code``, ``commune`` or ``name`` field (an older file
keyed ``phuong-ben-nghe`` with ``name: Phường Bến Nghé`` still loads: the old ward became
phường Sài Gòn, and the old key still finds it). A name that is unknown, that several
communes carry, or an old commune that was split, stops the loading with a message that says
which block and what to write instead. Reading names needs the commune data (a few tenths of
a second, once), so only a file with per-commune blocks pays for it.

Without a file the bot gives the advice that holds everywhere and no phone number: a
wrong number is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.conversation.commands import simplify
from intents.normalize import fold
from procedures.addresses import CommuneNotFound, NewCommune, commune_by_code, commune_from_name, resolve
from procedures.loader import load_yaml
from procedures.models import Text

DEFAULT_DESK = Text(
    vi="Bộ phận Một cửa (Trung tâm phục vụ hành chính công) của UBND xã, phường nơi bạn cư trú: "
    "cán bộ ở đó hướng dẫn và nhận hồ sơ trực tiếp.",
    en="The one-stop desk (public administrative service centre) of your commune or ward People's "
    "Committee: officers there guide you and accept applications in person.",
)
DEFAULT_TEAM = Text(
    vi="Tổ công nghệ số cộng đồng ở thôn, tổ dân phố của bạn: hỏi trưởng thôn hoặc tổ trưởng tổ dân phố "
    "để được hướng dẫn tận nơi.",
    en="The community digital-technology team of your village or residential group: ask the village or "
    "group head, and a member can help you in person.",
)


@dataclass(frozen=True)
class Contact:
    """Where to get human help in one place."""

    name: str = ""
    desk: Text = DEFAULT_DESK
    team: Text = DEFAULT_TEAM
    hotline: str = ""


class ContactsError(ValueError):
    """A contacts file whose commune cannot be settled (unknown, ambiguous, split, or twice)."""


@dataclass(frozen=True)
class Contacts:
    """The default contact plus per-commune overrides, keyed by the commune's official code."""

    default: Contact = field(default_factory=Contact)
    communes: dict[str, Contact] = field(default_factory=dict)  # official code ("26740") → contact
    aliases: dict[str, str] = field(default_factory=dict)  # a file's own key ("tan-lap") → official code

    def code(self, commune: str | None) -> str | None:
        """The official code for a code or a file key (as saved in older conversations), else ``None``."""
        if commune in self.communes:
            return commune
        return self.aliases.get(commune or "")

    def for_commune(self, commune: str | None) -> Contact:
        """The contact of a commune (its code, or a file key saved before codes), falling back to the default."""
        return self.communes.get(self.code(commune) or "", self.default)

    def find(self, typed: str) -> str | None:
        """The code of the configured commune the user typed, ignoring accents and case.

        Its shown name, its official name, the file's key, or an old name that became it
        ("phường Bến Nghé" finds phường Sài Gòn's contacts); never a guess among several.
        """
        wanted = " ".join(fold(typed).split())
        if not wanted:
            return None
        for code, contact in self.communes.items():
            official = commune_by_code(code)
            names = {" ".join(fold(contact.name).split())}
            names |= {" ".join(fold(official.name).split())} if official is not None else set()
            names |= {key.replace("-", " ") for key, target in self.aliases.items() if target == code}
            if wanted in names or any(name.endswith(" " + wanted) for name in names):
                return code
        answer = resolve(typed)
        return answer.code if answer.code in self.communes else None

    def choice(self, typed: str) -> str | None:
        """The configured commune a message that starts with its kind picks ("xã Tân Lập", "ward Ben Nghe")."""
        simple = simplify(typed)
        for prefix in ("xa ", "phuong ", "dac khu ", "commune ", "ward "):
            if simple.startswith(prefix) and self.communes:
                return self.find(simple) or self.find(simple[len(prefix) :])
        return None

    @classmethod
    def load(cls, path: Path | None) -> Contacts:
        """Read the operator's contacts file (or the built-in advice); :class:`ContactsError` for an unclear commune."""
        if path is None:
            return cls()
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        default = _contact(data.get("default") or {}, Contact())
        communes: dict[str, Contact] = {}
        aliases: dict[str, str] = {}
        for key, value in (data.get("communes") or {}).items():
            block = value or {}
            code = _commune_code(path, str(key), block)
            if code in communes:
                raise ContactsError(f"{path}: communes: {key!r} is commune {code} again: give each commune one block")
            contact = _contact(block, default)
            official = commune_by_code(code)
            shown = str(block.get("name") or "")
            if official is not None and not (shown and (block.keys() & {"code", "commune"} or _names(official, shown))):
                contact = Contact(official.name, contact.desk, contact.team, contact.hotline)  # not an abolished name
            communes[code] = contact
            if str(key) != code:
                aliases[str(key)] = code
        return cls(default, communes, aliases)


def _names(official: NewCommune, shown: str) -> bool:
    """Whether a shown name is the official one ("Xã Tân Lập" for Xã Tân Lập), not an abolished one."""
    return " ".join(fold(official.name).split()).endswith(" ".join(fold(shown).split()))


def _commune_code(path: Path, key: str, block: dict[str, Any]) -> str:
    """The official code a contacts block is for: its key, its ``code``, or its ``commune``/``name``."""
    if key.strip().isdigit() and "code" not in block:
        written = key
    else:
        written = str(block.get("code") or block.get("commune") or block.get("name") or key.replace("-", " "))
        province = block.get("province")
        if province and not written.strip().isdigit():
            written = f"{written}, {province}"
    try:
        return commune_from_name(written).code
    except CommuneNotFound as exc:
        raise ContactsError(f"{path}: communes: {key!r}: {exc}") from exc


def _contact(data: dict[str, Any], fallback: Contact) -> Contact:
    def text(name: str, value: Text) -> Text:
        raw = data.get(name)
        return Text.model_validate(raw) if raw else value

    return Contact(
        name=str(data.get("name", fallback.name)),
        desk=text("desk", fallback.desk),
        team=text("team", fallback.team),
        hotline=str(data.get("hotline", fallback.hotline)),
    )
