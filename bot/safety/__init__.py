"""Patient safety checks that run inside the Rasa server, so they work without the action server."""
