"""The assistant itself: Rasa configuration files, the spaCy pipeline and the launcher."""
