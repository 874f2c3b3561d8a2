import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/ is not present on this machine")
    return SHARED


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """No test touches the real user's bank: the default bank lives in a temporary folder."""
    home = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("CPT_TRAINER_DB", str(home / "bank.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
