"""Personal-data protection: redaction of identifiers and salted hashing of user ids.

Citizens paste ID numbers, phone numbers, e-mail, home addresses, even passwords and one-time
codes into chats. Under Decree
13/2023/NĐ-CP and Law 91/2025/QH15 these are personal data, so nothing is stored before
:func:`redact` has replaced them, and platform user ids are stored only as salted hashes. Of an
address only the commune, ward, district and province names are kept (the bot needs them to
say where to go); house numbers, lanes, streets and residential groups are removed
(the rule is :func:`procedures.addresses.street_spans`).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from procedures.addresses import street_spans

_ACCOUNT_WORDS = (
    r"stk|s[oố]\s*t[aà]i\s*kho[aả]n|t[aà]i\s*kho[aả]n|tk|ng[aâ]n\s*h[aà]ng|nh|account(?:\s*(?:no|number))?|"
    r"vietcombank|vcb|vietinbank|bidv|agribank|techcombank|mb\s*bank|acb|tpbank|vpbank|sacombank"
)
# Order matters: e-mails before numbers (an address may contain digits), accounts, cards and
# plates before phones, phones before the catch-all digit run.
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # Bank accounts: 8 to 19 digits after "stk", "số tài khoản", "ngân hàng", a bank's name ...
    (
        re.compile(rf"(?i)((?:{_ACCOUNT_WORDS})\b[^\d\n]{{0,25}}?)\d(?:[\s.-]?\d){{7,18}}(?!\d)"),
        r"\1[account]",
    ),
    # Health-insurance card numbers: two letters and 13 digits, as printed too (GD 4 79 79 321 51234)
    (re.compile(r"\b[A-Z]{2}\s?\d(?:\s?\d){12}\b", re.I), "[insurance]"),
    # Vietnamese licence plates: 29A-123.45, 51F 12345, 59-X1 234.56, and the old 29A-1234
    (re.compile(r"\b\d{2}\s?-?\s?[A-Z]{1,2}\d?\s?-?\s?\d{3}(?:\.?\d{2})\b", re.I), "[plate]"),
    (re.compile(r"\b\d{2}\s?-?\s?[A-Z]{1,2}\d?\s?-\s?\d{4}\b", re.I), "[plate]"),
    # Phone numbers: 0912 345 678, +84 912.345.678, 84912345678, (+84) 912-345-678, 024 3825 1234
    (re.compile(r"(?<![\w])(?:\(?\+?84\)?|0)(?:[\s.()-]{0,2}\d){9,10}(?!\d)"), "[phone]"),
    # ID numbers: 12-digit citizen ID, 9-digit old ID, and any other long digit run
    (re.compile(r"(?<!\d)\d(?:[\s.-]?\d){8,}(?!\d)"), "[id]"),
)


# Secrets: a password or one-time code typed after what it is ("mật khẩu vneid của tôi là Abc@123",
# "mã otp gửi về là 482913", "OTP: 482913"). The secret itself is the word after "là", ":" or "is",
# or a run of 4 to 8 digits near the cue; "quên mật khẩu vneid" names no secret and is kept.
_SECRET_CUE = (
    r"m[aậ]t\s*kh[aẩ]u|password|passcode|\bpass\b|\bpin\b|\botp\b|"
    r"m[aã]\s*(?:x[aá]c\s*(?:nh[aậ]n|th[uự]c)|k[ií]ch\s*ho[aạ]t|b[aả]o\s*m[aậ]t)|verification\s*code|one[-\s]time\s*code"
)
_SECRETS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?i)((?:{_SECRET_CUE})[^\n]{{0,40}}?(?:\bl[aà]\b|\bis\b|[:=]))\s*[^\s,;]{{3,}}"),
    re.compile(rf"(?i)((?:{_SECRET_CUE})[^\n\d]{{0,40}}?)(?<!\d)\d{{4,8}}(?!\d)"),
)


def holds_secret(text: str) -> bool:
    """Whether the message holds a password or one-time code (the bot then warns the citizen)."""
    return any(pattern.search(text) for pattern in _SECRETS)


def redact(text: str) -> str:
    """Replace secrets, e-mails, bank accounts, health-card, plate, phone and ID numbers, and streets.

    Secrets are passwords and one-time codes; of an address, house numbers and streets go.

    "số 12 đường Lê Lợi, phường Bến Thành" → "[address], phường Bến Thành": the ward is kept.
    """
    text = _SECRETS[0].sub(r"\1 [secret]", text)
    text = _SECRETS[1].sub(r"\1[secret]", text)
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    for start, end in reversed(street_spans(text)):
        text = text[:start] + "[address]" + text[end:]
    return text


def hash_user(salt: str, channel: str, user_id: str) -> str:
    """A stable, salted, one-way key for a platform user (HMAC-SHA-256, hex)."""
    message = f"{channel}:{user_id}".encode()
    return hmac.new(salt.encode("utf-8"), message, hashlib.sha256).hexdigest()
