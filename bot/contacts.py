"""Who to turn to when a citizen is stuck: the one-stop desk, hotlines, the community tech team.

Contacts are configuration, not code: an operator (a commune or province) writes a YAML
file (``DVCBOT_CONTACTS_FILE``) with a default block and optional per-commune blocks::

    default:
      desk: {vi: "...", en: "..."}
      hotline: "0xx..."            # optional
      team: {vi: "...", en: "..."}  # the community digital-technology team
    communes:
      phuong-ben-nghe:
        name: Phường Bến Nghé
        desk: {vi: "...", en: "..."}
        hotline: "..."

Without a file the bot gives the advice that holds everywhere and no phone number: a
wrong number is worse than none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intents.normalize import fold
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


@dataclass(frozen=True)
class Contacts:
    """The default contact plus per-commune overrides."""

    default: Contact = field(default_factory=Contact)
    communes: dict[str, Contact] = field(default_factory=dict)

    def for_commune(self, commune: str | None) -> Contact:
        """The contact of a commune, falling back to the default."""
        return self.communes.get(commune or "", self.default)

    def find(self, typed: str) -> str | None:
        """The key of the commune whose name (or key) the user typed, ignoring accents and case."""
        wanted = " ".join(fold(typed).split())
        for key, contact in self.communes.items():
            names = {" ".join(fold(contact.name).split()), key.replace("-", " ")}
            if wanted in names or any(name.endswith(" " + wanted) for name in names):
                return key
        return None

    @classmethod
    def load(cls, path: Path | None) -> Contacts:
        """Read the operator's contacts file (or use the built-in advice)."""
        if path is None:
            return cls()
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
        default = _contact(data.get("default") or {}, Contact())
        communes = {key: _contact(value or {}, default) for key, value in (data.get("communes") or {}).items()}
        return cls(default, communes)


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
