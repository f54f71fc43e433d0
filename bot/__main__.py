"""`python -m bot ARGS`: Rasa's own command line (`run`, `shell`...) with the project's patch installed first."""

from __future__ import annotations

from rasa.__main__ import main

from bot import patches

if __name__ == "__main__":
    patches.install()
    main()
