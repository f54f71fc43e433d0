"""Processes and build steps: the launcher, training, the spaCy pipeline, the files Rasa reads, retention."""
