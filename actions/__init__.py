"""The Rasa action server: thin adapters between the tracker and `knowledge/`."""
