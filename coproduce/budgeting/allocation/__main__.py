"""``python -m coproduce.budgeting.allocation FILE.pb --rule mes-add1``."""

from .cli import main

raise SystemExit(main())
