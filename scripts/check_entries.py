"""Validate curated YAML files one by one (for catalog writers): ``python scripts/check_entries.py FILE...``.

Branch targets into guides are accepted when the guide id is in the coverage list, so an
entry can be checked before the guide it jumps into has been written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from procedures.links import LinkPolicy
from procedures.loader import load_entry
from procedures.models import Procedure
from procedures.validation import check_entry, required_ids


def main(paths: list[str]) -> int:
    """Print every problem of the given files; exit 1 when there is any."""
    known = set(required_ids())
    problems = 0
    for name in paths:
        result = load_entry(Path(name))
        if not isinstance(result, Procedure):
            for error in result:
                print(error)
                problems += 1
            continue
        if Path(name).stem != result.id:
            print(f"{name}: file name must be the id ({result.id}.yaml)")
            problems += 1
        for issue in check_entry(result, known, LinkPolicy()):
            print(issue)
            problems += 1
        print(f"{name}: {len(result.steps)} steps checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
