"""The README's generated sections: replace the text between a section's markers, or check it is current.

Shared by scripts/gen_constraints_doc.py, gen_nag_doc.py and gen_cost_doc.py (each renders its own section).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def replace_between(readme: str, begin: str, end: str, section: str) -> str:
    """``readme`` with the text from ``begin`` to ``end`` (markers included) replaced by ``section``."""
    start, stop = readme.index(begin), readme.index(end) + len(end)
    return readme[:start] + section + readme[stop:]


def write_or_check(updated: Callable[[str], str], argv: list[str], *, what: str, script: str) -> int:
    """Rewrite README.md with ``updated``; with ``--check`` only compare (exit 1 and say what to run)."""
    current = README.read_text()
    fresh = updated(current)
    if "--check" in argv:
        if fresh != current:
            print(f"README.md's {what} is out of date: run python scripts/{script}")
            return 1
        return 0
    README.write_text(fresh)
    return 0
