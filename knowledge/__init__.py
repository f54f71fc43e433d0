"""The curated knowledge base: entries, their storage and the retrieval service. Never imports rasa."""
