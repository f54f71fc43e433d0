"""The knowledge base's settings: one typed object, read from the environment when asked for."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DEFAULT_ENTRIES = PACKAGE_DIR / "entries.yml"
DEFAULT_TERMS = PACKAGE_DIR / "terms.yml"
DEFAULT_OPTIONS = PACKAGE_DIR / "options.yml"
DEFAULT_ARTICLE_META = PACKAGE_DIR / "article.yml"
# The assistant's replies, which `make kb-check` grades like the entries (read as YAML, never imported).
DEFAULT_DOMAIN = REPO_ROOT / "bot" / "domain.yml"
MAX_READING_GRADE = 8.0
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def flag(value: str | None) -> bool:
    """Whether an environment value switches something on ("1", "true", "yes", "on")."""
    return (value or "").strip().lower() in TRUE_WORDS


@dataclass(frozen=True)
class Settings:
    """Where the knowledge base lives and what it keeps.

    Attributes:
        database_url: SQLAlchemy URL of the knowledge database (`DATABASE_URL`, a SQLite file
            under var/ by default).
        article_path: the source article's full text, to check the entries against
            (`KB_ARTICLE_PATH`); None skips that check.
        keep_unanswered_text: store unanswered messages word for word (`KEEP_UNANSWERED_TEXT`,
            off by default: only counts are kept).
    """

    database_url: str
    article_path: Path | None
    keep_unanswered_text: bool

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings in `env` (this process's environment by default)."""
        env = os.environ if env is None else env
        article = env.get("KB_ARTICLE_PATH", "").strip()
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or f"sqlite:///{REPO_ROOT / 'var' / 'knowledge.db'}",
            article_path=Path(article) if article else None,
            keep_unanswered_text=flag(env.get("KEEP_UNANSWERED_TEXT")),
        )


def current() -> Settings:
    """The settings as the environment says now."""
    return Settings.from_env()
