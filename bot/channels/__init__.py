"""Rasa input channels named in credentials.yml (REST, socket.io, messaging platforms) and their pure helpers."""
