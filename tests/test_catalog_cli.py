"""`cpt-trainer catalog ...` from the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from trainer.cli import cli


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "bank.sqlite"
    runner = CliRunner()

    def go(*args):
        return runner.invoke(cli, ["catalog", *args, "--db", str(db)])

    return go


def test_search_several_queries_in_one_process(run):
    r = run("search", "9921", "knee injection", "25", "--limit", "3")
    assert r.exit_code == 0, r.output
    blocks = r.output.split("== ")[1:]
    assert [b.splitlines()[0].split("  (")[0] for b in blocks] == ["9921", "knee injection", "25"]
    assert "99211" in blocks[0] and "99214" not in blocks[0]  # --limit 3
    assert "20610" in blocks[1]
    assert "MOD" in blocks[2]


def test_search_json(run):
    r = run("search", "99213", "--json")
    data = json.loads(r.output)
    assert data["query"] == "99213"
    assert data["results"][0]["code"] == "99213" and data["results"][0]["match"] == "exact"
    r = run("search", "99213", "J10", "--json")
    assert [b["query"] for b in json.loads(r.output)] == ["99213", "J10"]


@pytest.mark.parametrize("q", ['"', "*", "AND", "(", "NEAR", "\U0001F600", "x" * 10_000])
def test_search_hostile_input_exits_cleanly(run, q):
    r = run("search", q)
    assert r.exit_code == 0, r.output


def test_import_and_show(run, tmp_path):
    p = tmp_path / "mue.csv"
    p.write_text("HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator\n"
                 "20610,2,2 Date of Service Edit: Policy\n")
    r = run("import", "mue", str(p))
    assert r.exit_code == 0, r.output
    assert "1 added" in r.output
    r = run("import", "mue", str(p))
    assert "nothing changed" in r.output
    r = run("show", "20610")
    assert r.exit_code == 0 and "MUE: 2 per day" in r.output


def test_import_bad_file_is_a_message_not_a_traceback(run, tmp_path):
    p = tmp_path / "cpt.csv"
    p.write_text("nothing,useful\n")
    r = run("import", "cpt", str(p))
    assert r.exit_code == 1
    assert "cpt.csv:1: no header row" in r.output
    assert "Traceback" not in r.output


def test_import_needs_a_file_except_icd(run):
    r = run("import", "hcpcs")
    assert r.exit_code == 2 and "needs a FILE" in r.output


def test_show_unknown_code_exits_1(run):
    r = run("show", "ZZ999")
    assert r.exit_code == 1 and "not in the catalog" in r.output


def test_browse_and_stats(run):
    r = run("browse")
    assert r.exit_code == 0 and "HCPCS Level II" in r.output
    r = run("browse", "cpt/em/office-new")
    assert "99202" in r.output and "99205" in r.output
    r = run("stats", "--json")
    assert json.loads(r.output)["by_system"]["modifier"] >= 40
