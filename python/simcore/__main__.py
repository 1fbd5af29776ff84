"""``python -m simcore``: the same as the ``simcore`` command."""

from simcore.cli import main

raise SystemExit(main())
