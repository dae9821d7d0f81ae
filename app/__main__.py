"""`python -m app` is the same as `hearth`."""

from app.main import main

raise SystemExit(main())
