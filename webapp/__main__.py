"""`python -m bot.web`: serve the demo page, the kiosk and the REST proxy until stopped."""

import sys

from bot.web.server import main

if __name__ == "__main__":
    sys.exit(main())
