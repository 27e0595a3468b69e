"""``python -m coproduce.understand.participatory_budgeting.allocation FILE.pb --rule mes-add1``."""

from .cli import main

raise SystemExit(main())
