"""Entry point of the PyInstaller bundle: the same ``station`` command line as the package."""

from station.cli import main

raise SystemExit(main())
