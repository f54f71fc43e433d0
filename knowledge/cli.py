"""`python -m knowledge`: build, check and export the knowledge base."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from knowledge import settings
from knowledge.errors import KnowledgeError
from knowledge.feedback import FeedbackStore, format_report
from knowledge.model import Article, KnowledgeSource
from knowledge.replies import hard_replies, load_responses, unattributed_buttons
from knowledge.repository import SqlRepository
from knowledge.source import (
    check_article_text,
    check_source,
    export_record,
    load_abbreviations,
    load_article,
    load_source,
    long_date,
)
from knowledge.uncovered import default_uncovered


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    parser.add_argument("--entries", type=Path, default=settings.DEFAULT_ENTRIES, help="entries YAML file")
    parser.add_argument("--terms", type=Path, default=settings.DEFAULT_TERMS, help="terms YAML file")
    parser.add_argument("--options", type=Path, default=settings.DEFAULT_OPTIONS, help="treatment options YAML file")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="load the YAML files into the database (DATABASE_URL)")
    check = commands.add_parser("check", help="validate every entry against the rules and the article")
    check.add_argument(
        "--article", type=Path, default=None, help="the article's full text to check too (default: KB_ARTICLE_PATH)"
    )
    check.add_argument(
        "--domain", type=Path, default=settings.DEFAULT_DOMAIN, help="the assistant's replies to grade (bot/domain.yml)"
    )
    commands.add_parser("export", help="print every entry as JSON lines from the database")
    report = commands.add_parser("report", help="entries with the most 'not helpful' votes, unanswered counts")
    report.add_argument("--limit", type=int, default=10, help="how many entries and examples to list")
    args = parser.parse_args(argv)
    try:
        return int(COMMANDS[args.command](args))
    except KnowledgeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _build(args: argparse.Namespace) -> int:
    source = load_source(args.entries, args.terms, args.options)
    repository = SqlRepository()
    try:
        changed = repository.replace(source)
    finally:
        repository.dispose()
    state = "built" if changed else "already up to date"
    print(f"knowledge base {state}: {len(source.entries)} entries, {len(source.terms)} terms")
    return 0


def _check(args: argparse.Namespace) -> int:
    source = load_source(args.entries, args.terms, args.options)
    load_abbreviations(args.terms)  # raises SourceInvalid on a malformed one, like the files above
    article = load_article()
    problems = check_source(
        source,
        article.sections,
        settings.MAX_READING_GRADE,
        research_sections=article.research_sections,
        retrieved=article.retrieved,
    )
    problems += _reply_problems(args.domain, source, article)
    text_path = args.article or settings.current().article_path
    if text_path is None:
        print("note: KB_ARTICLE_PATH is not set, so the article's own text was not checked", file=sys.stderr)
    else:
        try:
            problems += check_article_text(article, text_path.read_text(encoding="utf-8"))
        except OSError as error:
            print(f"error: cannot read the source article {text_path}: {error}", file=sys.stderr)
            return 2
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(source.entries)} entries, {len(source.terms)} terms: {len(problems)} problem(s)")
    return 1 if problems else 0


def _reply_problems(domain: Path, source: KnowledgeSource, article: Article) -> list[str]:
    """The assistant's fixed replies: their reading grade, and buttons that ask for the article's research."""
    responses = load_responses(domain)
    samples = {
        # The safety replies as deployed by default, and the decline with each uncovered topic's name.
        "emergency_number": ["911"],
        "care_team": ["your care team"],
        "topic": [topic.name for topic in default_uncovered().topics],
        "reviewed": [long_date(article.retrieved)],
        # Empty unless a clinic sets CLINIC_NAME or CONTENT_REVIEWED_BY (bot/provider.py grades those words).
        "provider": [""],
    }
    problems = hard_replies(responses, settings.MAX_READING_GRADE, samples)
    return problems + unattributed_buttons(responses, source.entries, article.research_sections)


def _export(args: argparse.Namespace) -> int:
    repository = SqlRepository()
    try:
        source = repository.load()
    finally:
        repository.dispose()
    for entry in source.entries:
        print(json.dumps(export_record(entry), ensure_ascii=False))
    return 0


def _report(args: argparse.Namespace) -> int:
    repository = SqlRepository()
    try:
        print(format_report(FeedbackStore(repository).report(limit=args.limit)))
    finally:
        repository.dispose()
    return 0


COMMANDS = {"build": _build, "check": _check, "export": _export, "report": _report}
