"""Settings, read from the environment each time they are asked for, never at import."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DEFAULT_ENTRIES = PACKAGE_DIR / "entries.yml"
DEFAULT_TERMS = PACKAGE_DIR / "terms.yml"
DEFAULT_OPTIONS = PACKAGE_DIR / "options.yml"
DEFAULT_ARTICLE = REPO_ROOT.parent / "shared" / "source" / "article.txt"
MAX_READING_GRADE = 8.0


def database_url() -> str:
    """The SQLAlchemy URL of the knowledge database (`DATABASE_URL`, SQLite file by default)."""
    default = f"sqlite:///{REPO_ROOT / 'var' / 'knowledge.db'}"
    return os.environ.get("DATABASE_URL", "").strip() or default


def article_path() -> Path:
    """The source article the entries cite (`KB_ARTICLE_PATH`, `../shared/source/article.txt`)."""
    return Path(os.environ.get("KB_ARTICLE_PATH", "").strip() or DEFAULT_ARTICLE)


def keep_unanswered_text() -> bool:
    """Whether unanswered messages are stored word for word (`KEEP_UNANSWERED_TEXT`, off by default)."""
    return os.environ.get("KEEP_UNANSWERED_TEXT", "").strip().lower() in {"1", "true", "yes", "on"}
