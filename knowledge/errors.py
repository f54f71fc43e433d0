"""Named errors raised by the knowledge package."""


class KnowledgeError(Exception):
    """Base class for every error of the knowledge package."""


class EntryNotFound(KnowledgeError):
    """No entry has the requested id."""

    def __init__(self, entry_id: str) -> None:
        """Keep the id that was asked for."""
        super().__init__(f"no knowledge entry with id {entry_id!r}")
        self.entry_id = entry_id


class KnowledgeUnavailable(KnowledgeError):
    """The knowledge database cannot be reached or has not been built."""


class SourceInvalid(KnowledgeError):
    """The curated YAML files cannot be read as entries and terms."""
