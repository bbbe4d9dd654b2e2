"""The README's examples run as written: its SPARQL queries answer over the built graph, and its
example description gets the verdict the README describes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import iris
import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
ACT = iris.ACT + "/"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_the_readme_has_its_examples():
    assert len(blocks("sparql")) >= 2 and len(blocks("turtle")) == 1


def test_recitals_explaining_article_50_come_best_first(store):
    rows = store.select(blocks("sparql")[0])
    scores = [float(row["score"].value) for row in rows]
    assert rows and scores == sorted(scores, reverse=True)


def test_deployer_obligations_on_2_august_2026_include_article_26_and_none_later(store):
    rows = store.select(blocks("sparql")[1])
    articles = {row["article"].value.removeprefix(ACT) for row in rows}
    assert {"art_4", "art_26", "art_27", "art_86"} <= articles
    assert all(row["from"].value <= "2026-08-02" for row in rows)
    assert not any(row["source"].value.startswith(ACT + "art_16") for row in rows)  # the provider's


@pytest.mark.parametrize("text", blocks("turtle"))
def test_the_example_description_is_high_risk_under_annex_iii_point_4_a(text):
    from aiact_kg import validation

    report = validation.validate_bytes(text.encode("utf-8"), "cv-screening.ttl", date(2026, 8, 2))
    assert not report.conforms
    assert [ACT + "anx_III.pnt_4.pnt_a"] == report.classification[0].provisions
    unmet = {finding.obligation for finding in report.results}
    assert ACT + "obligation/art_10.par_1" in unmet
    assert ACT + "obligation/art_9.par_1" not in unmet  # the description shows its risk management system
