"""The competency report as an Excel workbook for the district, safe to open."""

from io import BytesIO

import pandas as pd

from quizzes.bank_format import neutralize

from .selectors import CompetencyReport


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.index = frame.index.map(lambda i: tuple(neutralize(v) for v in i) if isinstance(i, tuple) else neutralize(i))
    frame.columns = [neutralize(c) for c in frame.columns]
    return frame.map(neutralize)


def competency_workbook(report: CompetencyReport, *, title: str) -> bytes:
    percent = lambda frame: (frame * 100).round(1)  # noqa: E731
    people = percent(report.people).rename_axis(index=["班组", "姓名"])
    teams = percent(report.teams).rename_axis(index="班组")
    summary = report.area_summary.copy()
    summary["average"] = (summary["average"] * 100).round(1)
    summary = summary.rename(
        columns={"average": "平均得分率%", "results": "成绩条数", "people": "参与人数", "weak": "低于60%人数"}
    ).rename_axis(index="业务条线")
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _safe(people).to_excel(writer, sheet_name="个人×业务条线")
        _safe(teams).to_excel(writer, sheet_name="班组×业务条线")
        _safe(summary).to_excel(writer, sheet_name="业务条线汇总")
        pd.DataFrame(
            {"说明": [neutralize(title), "单元格为该业务条线平均得分率（%），空白表示该时段内暂无成绩。"]}
        ).to_excel(writer, sheet_name="说明", index=False)
    return buffer.getvalue()
