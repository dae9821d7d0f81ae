"""PyInstaller's entry script: the bundled `hearth` executable runs app.main."""

from app.main import main

raise SystemExit(main())
