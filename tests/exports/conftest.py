"""The sample report's files, built once per module (reading them back is what the tests do)."""

from __future__ import annotations

import pytest

from app.domain.report import Report
from tests.exports.sample import CREATED, sample_report


@pytest.fixture(scope="module")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="module")
def xlsx(report: Report) -> bytes:
    from app.exports.excel import report_to_xlsx

    return report_to_xlsx(report, created=CREATED)


@pytest.fixture(scope="module")
def pdf(report: Report) -> bytes:
    from app.exports.pdf import report_to_pdf

    return report_to_pdf(report, created=CREATED)
