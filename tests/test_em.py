"""The E/M calculator: MDM 2-of-3, time thresholds, 99211, prolonged time, the CLI."""

import json

import pytest
from click.testing import CliRunner

from trainer.cli_grading import em_level_cmd
from trainer.em import EmError, em_level


@pytest.mark.parametrize(
    "patient, problems, data, risk, code, led",
    [
        ("established", "minimal", "minimal", "minimal", "99212", ("problems", "data", "risk")),
        ("established", "low", "minimal", "low", "99213", ("problems", "risk")),
        ("established", "moderate", "low", "moderate", "99214", ("problems", "risk")),
        ("established", "high", "moderate", "high", "99215", ("problems", "risk")),
        ("established", "high", "minimal", "moderate", "99214", ("problems", "risk")),  # middle one
        ("established", "high", "high", "minimal", "99215", ("problems", "data")),
        ("new", "low", "limited", "low", "99203", ("problems", "data", "risk")),
        ("new", "moderate", "extensive", "low", "99204", ("problems", "data")),
        ("new", "straightforward", "none", "minimal", "99202", ("problems", "data", "risk")),
        ("new", "high", "high", "high", "99205", ("problems", "data", "risk")),
    ],
)
def test_mdm_two_of_three(patient, problems, data, risk, code, led):
    r = em_level(patient, problems, data, risk)
    assert r.code == code and r.basis == "mdm" and r.led_by == led
    assert code in r.reason and "2 of the 3" in r.reason


@pytest.mark.parametrize(
    "patient, minutes, code",
    [("new", 15, "99202"), ("new", 29, "99202"), ("new", 30, "99203"), ("new", 45, "99204"),
     ("new", 60, "99205"), ("established", 10, "99212"), ("established", 19, "99212"),
     ("established", 20, "99213"), ("established", 30, "99214"), ("established", 39, "99214"),
     ("established", 40, "99215")],
)
def test_time_thresholds_2024(patient, minutes, code):
    r = em_level(patient, minutes=minutes)
    assert r.code == code and r.basis == "time" and f"{minutes} minutes" in r.reason


def test_higher_of_mdm_and_time_wins():
    assert em_level("established", "low", "low", "low", minutes=35).code == "99214"
    assert em_level("established", "low", "low", "low", minutes=35).basis == "time"
    assert em_level("established", "high", "high", "low", minutes=21).basis == "mdm"
    assert em_level("new", "low", "high", "moderate", minutes=50).basis == "both"


def test_99211():
    r = em_level("established")
    assert r.code == "99211" and "neither MDM nor time" in r.reason
    assert em_level("established", minutes=5).code == "99211"
    with pytest.raises(EmError, match="no level-1 new patient code"):
        em_level("new", minutes=5)


@pytest.mark.parametrize(
    "patient, minutes, payer, units, code",
    [("new", 74, "cpt", 0, None), ("new", 75, "cpt", 1, "99417"), ("new", 90, "cpt", 2, "99417"),
     ("established", 54, "cpt", 0, None), ("established", 55, "cpt", 1, "99417"),
     ("new", 88, "medicare", 0, None), ("new", 89, "medicare", 1, "G2212"), ("new", 104, "medicare", 2, "G2212"),
     ("established", 68, "medicare", 0, None), ("established", 69, "medicare", 1, "G2212")],
)
def test_prolonged_time(patient, minutes, payer, units, code):
    r = em_level(patient, minutes=minutes, payer=payer)
    assert (r.prolonged_units, r.prolonged_code) == (units, code)
    assert r.code in ("99205", "99215")


@pytest.mark.parametrize(
    "kwargs, words",
    [(dict(patient="old"), "new or established"), (dict(patient="new", problems="low"), "missing: data, risk"),
     (dict(patient="new", problems="huge", data="low", risk="low"), "not one of"),
     (dict(patient="new", minutes="lots"), "not a number"), (dict(patient="new"), "MDM elements")],
)
def test_errors_say_what_to_fix(kwargs, words):
    with pytest.raises(EmError, match=words):
        em_level(**kwargs)


def test_cli_text_and_json():
    runner = CliRunner()
    r = runner.invoke(em_level_cmd, ["--patient", "established", "--problems", "moderate",
                                     "--data", "low", "--risk", "moderate"])
    assert r.exit_code == 0 and r.output.startswith("99214\n") and "problems and risk" in r.output
    r = runner.invoke(em_level_cmd, ["--patient", "new", "--minutes", "80", "--json"])
    d = json.loads(r.output)
    assert d["code"] == "99205" and d["prolonged_code"] == "99417" and d["prolonged_units"] == 1
    assert "reason" in d
    r = runner.invoke(em_level_cmd, ["--patient", "new", "--problems", "low"])
    assert r.exit_code == 2
    r = runner.invoke(em_level_cmd, ["--patient", "new", "--minutes", "3"])
    assert r.exit_code == 1 and "15 minutes" in r.output
