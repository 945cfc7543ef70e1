"""Problems found in an uploaded catalog file, with a precise location and a translatable message.

An officer who sends a workbook must be told *where* the fault is (file, sheet, row, column)
and *what to do*, in Vietnamese. Messages are English templates with ``{name}`` placeholders,
marked with :func:`N_` so that the bot's gettext catalog can translate them; the location
words are templates too. The domain code never translates: the bot passes its ``gettext``
to :meth:`Problem.render`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from procedures.models import CODE_PATTERN

if TYPE_CHECKING:
    from procedures.validation import Issue

Gettext = Callable[[str], str]
Params = dict[str, str | int]


def N_(message: str) -> str:
    """Mark a template for extraction; it is translated later by whoever renders it."""
    return message


# Location words, rendered before the message: "fees.xlsx, sheet fees, row 5, column amount_vnd".
AT_SHEET = N_("sheet {sheet}")
AT_ROW = N_("row {row}")
AT_COLUMN = N_("column {field}")
AT_FIELD = N_("field {field}")

# Files and cells.
FILE_TOO_LARGE = N_(
    "The file is {size_kb} KB; at most {limit_kb} KB is accepted. Split it or remove what is not needed, "
    "then send it again."
)
UNKNOWN_FORMAT = N_(
    "This kind of file is not accepted. Send an Excel workbook (.xlsx), a CSV file (.csv), a YAML entry "
    "(.yaml) or the portal's records (.jsonl or .jsonl.gz)."
)
UNREADABLE_FILE = N_(
    "The file could not be read as {format} ({detail}). Save it again in that format and send it again."
)
NOT_A_CATALOG = N_(
    "The workbook has neither a sheet named procedures nor a portal list (columns Mã số, Tên). Start "
    "from the blank template or from an exported catalog."
)
UNKNOWN_TABLE = N_(
    "This CSV file is not a catalog table. Name it after its table (procedures, steps, fees, ...) or "
    "keep the header row of the blank template."
)
BEYOND_LIMITS = N_(
    "The file could not be read within the safety limits ({detail}). Start from an exported catalog "
    "(dvcbot catalog export) or the blank template, make your changes, and send it again."
)
TOO_MANY_ROWS = N_("The sheet has more than {limit} rows. Split the data over several files.")
EMPTY_FILE = N_("The file holds no data rows. Fill in the rows below the header and send it again.")
MISSING_SHEET = N_(
    "The sheet {sheet} is missing. Add it with its header row (copy it from the blank template) and send "
    "the file again."
)
MISSING_COLUMN = N_(
    "The column {column} is missing from the header row. Add it (see the blank template) and send the file again."
)
FORMULA = N_(
    "This cell holds a formula ({formula}). Formulas are not accepted, for safety: type the value "
    "itself. To start a text with =, type an apostrophe first."
)
ERROR_CELL = N_("This cell shows an error value ({value}). Type the value itself.")
UNKNOWN_ENTRY = N_(
    "This row belongs to entry {entry}, which is not in the sheet procedures. Check entry_id, or add the entry first."
)
UNKNOWN_CARD = N_("The code {code} is not a card of the national listing in use. Check the code, or delete the row.")
ENTRY_OR_CARD = N_(
    "Fill in entry_id for an entry of the sheet procedures, or code for a card of the national listing, not both."
)

# Field values.
MISSING_FIELD = N_("This value is required but missing. Fill it in.")
UNKNOWN_FIELD = N_("Unknown field {name}. Remove it or correct its spelling (see docs/catalog.md).")
BAD_CHOICE = N_("'{value}' is not an allowed value here. Use one of: {choices}.")
BAD_ID = N_("'{value}' is not a valid id. Use lower-case letters without accents, digits and hyphens, e.g. khai-sinh.")
BAD_CODE = N_("'{value}' is not a national procedure code. A code looks like 1.001193: one digit, a dot, six digits.")
BAD_FEE = N_(
    "'{value}' is not a valid fee. Write the amount in đồng as a whole number of 0 or more, digits only "
    "(e.g. 50000); leave the cell empty if the fee is set elsewhere and say so in note."
)
BAD_TIME = N_("'{value}' is not a valid processing time. Write a number greater than 0, e.g. 3 or 0.5.")
BAD_QUANTITY = N_("'{value}' is not a valid number of copies. Write a whole number, 1 or more.")
BAD_DATE = N_("'{value}' is not a valid date. Write it as YYYY-MM-DD (e.g. 2026-12-31) or DD/MM/YYYY.")
BAD_VALUE = N_("'{value}' is not valid here ({detail}). Correct it.")
NO_STEPS = N_("Entry {entry} has no steps. Add its steps in the sheet steps.")

# Whole-catalog rules (the validator's issues).
DUPLICATE_ID = N_("The id {entry} is used more than once. Give each entry its own id, or delete the duplicate.")
DUPLICATE_CODE = N_("The national code {code} is claimed by several entries ({entries}). Keep it on one entry only.")
DUPLICATE_STEP = N_("The step id {step} is used {count} times in {entry}. Give each step its own id.")
REQUIRED_MISSING = N_("The entry {entry} is required (it is on the coverage list) but missing. Add it back.")
TOO_FEW_STEPS = N_("{entry} has {count} steps; a guide needs at least {minimum}. Add steps.")
MISSING_ENGLISH = N_("The English text of step {step} is missing. Add a short English translation.")
UNKNOWN_GUIDE = N_(
    "The branch target {target} points to the guide {guide}, which is not in the catalog. Use an "
    "existing guide id, next or end."
)
SELF_GUIDE = N_("The branch target {target} jumps into its own guide. Point it to a step id of this guide instead.")
UNKNOWN_STEP = N_(
    "The branch target {target} points to a step that does not exist in {entry}. Use a step id of this "
    "guide, next or end."
)
UNREACHABLE = N_(
    "Step {step} of {entry} cannot be reached from the first step. Point next, if_yes or if_no of an "
    "earlier step to it, or delete it."
)
TEXT_TOO_LONG = N_(
    "The text is {length} characters long; at most {limit} fit in one chat message. Shorten it or split "
    "it into two steps."
)
LINK_NOT_OFFICIAL = N_(
    "The link {url} is not allowed: only official links on {allowed} may be shown, to protect citizens "
    "from phishing. Use the address of the official page."
)

# The national listing.
DUPLICATE_LISTING_CODE = N_("The code {code} appears more than once (first at row {first}). Keep one row per code.")
NO_OFFICIAL_LINK = N_(
    "The code {code} is new and the list gives no link to its official page. Add the page on "
    "dichvucong.gov.vn in a column Đường dẫn, or import the portal's records file, which carries the "
    "link."
)
BAD_RECORD = N_("This line is not a portal procedure record ({detail}). Export the records from the portal again.")


class _Keep(dict[str, Any]):
    """Format mapping that leaves an unknown placeholder as it is instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, params: Mapping[str, object]) -> str:
    """Substitute ``params`` into a (translated) template; a stray placeholder is kept literally."""
    return template.format_map(_Keep(params))


def _identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class Problem:
    """One fault in an uploaded file: where it is and an English template saying what to do."""

    source: str
    sheet: str | None
    row: int | None
    field: str | None
    template: str
    params: Params = dataclasses.field(default_factory=dict, hash=False)

    @property
    def location(self) -> tuple[str, str | None, int | None, str | None]:
        """The (source, sheet, row, field) tuple, used to report one problem per cell."""
        return (self.source, self.sheet, self.row, self.field)

    def where(self, gettext: Gettext = _identity) -> str:
        """The location in words: "fees.xlsx, sheet fees, row 5, column amount_vnd"."""
        parts = [self.source] if self.source else []
        if self.sheet is not None:
            parts.append(fill(gettext(AT_SHEET), {"sheet": self.sheet}))
        if self.row is not None:
            parts.append(fill(gettext(AT_ROW), {"row": self.row}))
        if self.field:
            # A spreadsheet has columns; a YAML file or a record has dotted field paths.
            label = AT_COLUMN if self.sheet is not None else AT_FIELD
            parts.append(fill(gettext(label), {"field": self.field}))
        return ", ".join(parts)

    def message(self, gettext: Gettext = _identity) -> str:
        """The message alone, translated."""
        return fill(gettext(self.template), self.params)

    def render(self, gettext: Gettext) -> str:
        """Location and message in the reader's language (the bot passes its gettext)."""
        where = self.where(gettext)
        return f"{where}: {self.message(gettext)}" if where else self.message(gettext)

    def __str__(self) -> str:
        return self.render(_identity)


def short(value: object, limit: int = 60) -> str:
    """A value as quoted in a message: one line, cut to ``limit`` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def from_issue(issue: Issue, source: str, sheet: str | None, row: int | None, field: str | None) -> Problem:
    """Turn a validator :class:`~procedures.validation.Issue` into a located :class:`Problem`."""
    if issue.template:
        return Problem(source, sheet, row, field, issue.template, dict(issue.params))
    # Every issue the validator raises carries a template; this keeps an unexpected one visible.
    return Problem(source, sheet, row, field, BAD_VALUE, {"value": issue.entry, "detail": issue.message})


_DATE_ERRORS = {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"}


def from_error(
    error: Mapping[str, Any],
    source: str,
    sheet: str | None,
    row: int | None,
    field: str | None,
    choices: tuple[str, ...] = (),
    entry: str = "",
) -> Problem:
    """Turn one pydantic error (``ValidationError.errors()`` item) into a located :class:`Problem`.

    ``field`` is the column (or dotted path) the error was traced to; the column name picks
    the most helpful message, because "Input should be a valid integer" does not tell an
    officer that a fee is written in whole đồng.
    """
    kind = str(error.get("type", ""))
    value = short(error.get("input", ""))
    loc = tuple(error.get("loc", ()))
    last = str(loc[-1]) if loc else ""
    name = field or last

    def problem(template: str, **params: str | int) -> Problem:
        return Problem(source, sheet, row, field, template, dict(params))

    if kind == "missing":
        if loc == ("steps",):
            return problem(NO_STEPS, entry=entry)
        return problem(MISSING_FIELD)
    if kind == "extra_forbidden":
        return problem(UNKNOWN_FIELD, name=last)
    if loc == ("steps",) and kind == "too_short":
        return problem(NO_STEPS, entry=entry)
    if name.endswith("amount_vnd"):
        return problem(BAD_FEE, value=value)
    if name in ("amount", "processing_time.amount") or name.endswith(".amount"):
        return problem(BAD_TIME, value=value)
    if name.endswith("quantity"):
        return problem(BAD_QUANTITY, value=value)
    if kind in _DATE_ERRORS:
        return problem(BAD_DATE, value=value)
    if kind == "enum":
        expected = ", ".join(choices) or str(error.get("ctx", {}).get("expected", ""))
        return problem(BAD_CHOICE, value=value, choices=expected)
    if kind == "string_pattern_mismatch":
        pattern = str(error.get("ctx", {}).get("pattern", ""))
        return problem(BAD_CODE if pattern.startswith(r"^\d") else BAD_ID, value=value)
    if name.startswith("codes") and kind == "value_error":
        # The model checks the codes as a whole; name the one that is wrong.
        codes = error.get("input", ())
        bad = (
            [code for code in codes if not re.match(CODE_PATTERN, str(code))] if isinstance(codes, list | tuple) else []
        )
        return problem(BAD_CODE, value=short(bad[0] if bad else value))
    if kind == "string_too_short":
        return problem(MISSING_FIELD)
    return problem(BAD_VALUE, value=value, detail=str(error.get("msg", kind)))


def templates() -> list[str]:
    """Every message template of this module (for translation catalogs and their tests)."""
    return [value for name, value in globals().items() if name.isupper() and isinstance(value, str)]
