"""Rasa NLU components named in config.yml: the linear intent vote and the red-flag classifier."""
