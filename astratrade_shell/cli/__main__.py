"""``python -m astratrade_shell.cli`` runs the ``astratrade`` command line."""

from astratrade_shell.cli.main import main

__all__: list[str] = []

if __name__ == "__main__":
    main()
