"""The web front-ends: the embeddable widget, the clinic kiosk and the web server that serves them."""
