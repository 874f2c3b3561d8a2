import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    """No test touches the real user's bank: the default bank lives in a temporary folder."""
    home = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("CPT_TRAINER_DB", str(home / "bank.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
