"""One line per answer for deploy/smoke_topology.sh: path, sources, model, start of the text."""

import json
import sys

a = json.load(sys.stdin)
model = a.get("model", {}).get("model_id", "?")
sources = len(a.get("citations", []))
text = repr(a.get("text", a))[:100]
sys.stdout.write(f"{a.get('path')}: {sources} bron(nen), model {model}; {text}\n")
