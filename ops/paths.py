"""Where the project's files are: what the processes and build steps read and write."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.yml"
DATA = ROOT / "data"
# What the Rasa server reads: the domain and the templates of its credentials and endpoints.
DOMAIN = ROOT / "bot" / "domain.yml"
CREDENTIALS = ROOT / "bot" / "credentials.yml"
ENDPOINTS = ROOT / "bot" / "endpoints.yml"
MODELS = ROOT / "models"
# Generated: the spaCy pipeline, the effective endpoints file, the benchmark's stock assistant.
BUILD = ROOT / "build"
# Generated at run time: the SQLite knowledge base and the effective credentials file.
VAR = ROOT / "var"
RESULTS = ROOT / "results"
