"""The NLU training examples, read from Rasa's YAML files without Rasa.

Read by the red-flag classifier (the assistant's own questions are what an ordinary message
looks like) and by the evaluation's TF-IDF baseline (trained on the same data as NLU).
"""

from __future__ import annotations

from pathlib import Path

import yaml


def nlu_examples(data_dir: Path) -> tuple[list[str], list[str]]:
    """Every (text, intent) pair of the Rasa NLU files under `data_dir` (none if it is absent)."""
    texts, intents = [], []
    for path in sorted(data_dir.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:].strip())
                    intents.append(str(block["intent"]))
    return texts, intents
