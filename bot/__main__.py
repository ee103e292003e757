"""`python -m bot` is `rotnem`."""

from bot.cli import main

raise SystemExit(main())
