"""Check the installed model files against models/manifest.json (run during the image build).

Every model comes from a PyPI package; this recomputes the sha256 of each file as installed
(the assembled GGUF itself, not the package's stated hash) and exits 1 on any difference.
"""

from __future__ import annotations

import json
import sys

from belbot.embedding.files import file_sha256
from belbot.modelfiles import GGUF_DIR, model_entries
from belbot.settings import PROJECT_ROOT


def main() -> int:
    expected = {
        e["package"]: e
        for e in json.loads((PROJECT_ROOT / "models" / "manifest.json").read_text("utf-8"))
    }
    failures = 0
    for entry in model_entries():
        actual = entry.model_dump()
        if entry.role == "LLM":  # the package states its hash; hash the assembled file instead
            actual["sha256"] = file_sha256(GGUF_DIR / entry.file)
        want = expected.pop(entry.package, None)
        fields = ("version", "file", "sha256")
        ok = want is not None and all(want[f] == actual[f] for f in fields)
        failures += not ok
        sys.stdout.write(
            f"{'ok  ' if ok else 'FOUT'} {entry.package}=={actual['version']} "
            f"{actual['file']} sha256 {actual['sha256'][:16]}"
            + ("" if ok else f" (manifest: {want and {f: want[f] for f in fields}})")
            + "\n"
        )
    for package in expected:
        failures += 1
        sys.stdout.write(f"FOUT {package}: in models/manifest.json maar niet geinstalleerd\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
