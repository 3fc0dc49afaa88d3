"""``python -m distsys_edu``: the same as the ``distsys-edu`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
