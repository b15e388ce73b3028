"""Run the command line as `python -m digest`."""

from __future__ import annotations

from digest.cli import run

run()
