"""`python -m webapp`: serve the demo page, the kiosk and the REST proxy until stopped."""

import sys

from webapp.server import main

if __name__ == "__main__":
    sys.exit(main())
