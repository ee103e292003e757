"""The long-running processes start without the libraries only some work needs: numpy and scipy
(matching), Alembic (migrating), matplotlib (report charts). Each costs megabytes of resident
memory in every web and worker process."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("numpy", "scipy", "alembic", "matplotlib")

# What `rotnem serve --no-migrate` and `rotnem worker` import and run before serving.
START = """
import sys
from bot import migrate
import bot.cli, bot.runtime, bot.worker
migrate.head_revision(), migrate.known_revisions()
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", START], capture_output=True, text=True, check=True, timeout=60
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("library", HEAVY)
def test_serving_and_sending_do_not_load(library: str, loaded: set[str]) -> None:
    assert library not in loaded
