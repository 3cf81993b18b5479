"""Finding: the dict form round-trips and severity is checked."""

import json

import pytest

from workbook.core.findings import HIGH, Finding, attach_findings


def test_round_trip_through_json():
    f = Finding(
        report="r",
        anchor="a",
        title="t",
        subject="Acme",
        action="Call Acme.",
        severity=HIGH,
        money=48000,
        passed=False,
    )
    back = Finding.from_dict(json.loads(json.dumps(f.to_dict())))
    assert back == f
    assert f.to_dict()["money"] == 48000.0 and f.to_dict()["count"] is None


def test_unknown_severity_refused():
    with pytest.raises(ValueError, match="severity"):
        Finding(report="r", anchor="a", title="t", subject="s", action="x", severity="urgent")


def test_attach_puts_dicts_into_figures():
    class R:
        figures = {"n": 1}

    res = attach_findings(
        R(), [Finding(report="r", anchor="a", title="t", subject="s", action="x")]
    )
    assert res.figures["findings"][0]["subject"] == "s" and res.figures["n"] == 1
