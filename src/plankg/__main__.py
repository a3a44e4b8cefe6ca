"""``python -m plankg`` runs the command line."""

from plankg.cli import main

main()
