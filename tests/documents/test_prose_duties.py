"""Duties written in prose become tasks (origin "prose"); goals and mentions do not.

The ground truth below was read off the seed by hand: every duty that has a date or a
department named as its subject with 负责/牵头, outside the parenthetical tasks. Precision and
recall are computed against it (and printed, for the closing note).
"""

import pytest

from departments.models import Department

pytestmark = pytest.mark.django_db

# (document, path, deadline kind, due/by, departments after the registry) — one row per duty
TRUTH = [
    ("本政发〔2018〕13号", "三.(一)", "due", "2018-09-30", ["各县区政府"]),
    ("本政发〔2018〕13号", "三.(一)", "recurring", "09-30", ["各县区政府"]),
    ("本政发〔2018〕13号", "三.(一)", "recurring", "12-15", ["各县区政府"]),
    ("本政办发〔2018〕51号", "四.(二)", "due", "2018-12-31", ["市农委"]),  # ——2018年,完成…
    ("本政办发〔2018〕51号", "四.(二)", "due", "2019-09-30", ["市农委"]),
    ("本政办发〔2018〕51号", "四.(二)", "due", "2019-12-31", ["市农委"]),  # 2019年底前逐级…
    ("本政办发〔2018〕51号", "五.(一)", "due", "2018-06-30", ["市农委"]),
    ("本政办发〔2018〕51号", "五.(二)", "due", "2019-09-30", ["市农委"]),
    ("本政办发〔2018〕51号", "五.(二)", "recurring", None, ["市农委", "市国土资源局"]),
    ("本政办发〔2018〕51号", "五.(三)", "due", "2019-12-31", ["市农委"]),
    ("本政办发〔2018〕51号", "六.(二)", None, None, ["市农委"]),
    ("本政办发〔2018〕51号", "六.(二)", None, None, ["市国土资源局"]),
    ("本政办发〔2018〕51号", "六.(二)", None, None, ["市发展改革委"]),
    ("本政办发〔2018〕51号", "六.(二)", None, None, ["市财政局"]),
    ("本政办发〔2018〕51号", "六.(二)", None, None, ["市水务局"]),
    ("本政办发〔2018〕51号", "六.(二)", None, None, ["市统计局"]),
    ("本政办发〔2018〕68号", "三.(四)", "relative", None, ["市卫生计生委"]),  # 24小时内召开…
    ("本政办发〔2018〕68号", "四.(一)", "due", "2018-09-30", ["市政府相关部门"]),
    ("本政办发〔2018〕68号", "四.(二)", "due", "2018-10-31", ["各县区政府", "有关部门"]),
    ("本政办发〔2018〕69号", "二.(四)", "relative", None, ["有关部门"]),  # 20个工作日内
    ("本政办发〔2018〕69号", "二.(四)", "relative", None, ["有关部门"]),  # 7个工作日内
    (
        "本政办发〔2018〕69号",
        "三.(二)",
        "recurring",
        None,
        ["有关部门"],
    ),  # 每年要将…报: no date given
    ("本政办发〔2018〕69号", "三.(三)", "due", "2018-08-31", ["各县区政府", "有关部门"]),
]


def key(number, task):
    d = task["deadline"]
    when = d["due"] or d["by"]
    return (number, task["path"], d["kind"], when, sorted(task["responsible"] + task["lead"]))


def prose_tasks(export):
    return [
        (d["number"], t) for d in export["documents"] for t in d["tasks"] if t["origin"] == "prose"
    ]


def test_prose_duties_precision_and_recall(seed_export, capsys):
    found = [key(n, t) for n, t in prose_tasks(seed_export)]
    truth = [(n, p, k, w, sorted(ds)) for n, p, k, w, ds in TRUTH]
    hits = [f for f in found if f in truth]
    precision, recall = len(hits) / len(found), len(hits) / len(truth)
    with capsys.disabled():
        print(
            f"\nprose duties on the seed: found {len(found)}, true {len(truth)}, "
            f"precision {precision:.2f}, recall {recall:.2f}"
        )
    assert precision == 1.0
    assert recall >= 0.9
    assert len(hits) >= 22  # issue 16: the milestones and relative rules below are found


def test_milestones_of_their_own_and_rules_relative_to_an_event(seed_export):
    tasks = prose_tasks(seed_export)
    rice = next(t for _, t in tasks if t["text"].startswith("2018年,完成水稻生产功能区划定"))
    assert rice["deadline"]["due"] == "2018-12-31" and rice["path"] == "四.(二)"
    accept = next(t for _, t in tasks if t["text"].startswith("2019年底前逐级完成划定验收工作"))
    assert accept["deadline"]["due"] == "2019-12-31"
    task_force = next(t for _, t in tasks if t["text"].startswith("2019年9月底前,完成全市"))
    assert "验收" not in task_force["text"]  # no longer folded into the September milestone
    press = next(t for _, t in tasks if t["text"].startswith("24小时内召开新闻发布会"))
    d = press["deadline"]
    assert (d["kind"], d["n"], d["unit"]) == ("relative", 24, "hours")
    assert d["from"] == "重大突发公共卫生事件" and press["responsible"] == ["市卫生计生委"]
    relative = [
        t["deadline"] for n, t in tasks if n == "本政办发〔2018〕69号" and t["path"] == "二.(四)"
    ]
    assert [(d["n"], d["unit"], d["from"]) for d in relative] == [
        (20, "working_days", "政府信息形成或变更之日"),
        (7, "working_days", "作出行政决定之日"),
    ]


def test_the_issue_examples(seed_export):
    tasks = dict(((n, t["text"][:6]), t) for n, t in prose_tasks(seed_export))
    farm = tasks[("本政办发〔2018〕51号", "农业部门负责")]
    assert farm["responsible"] == ["市农委"] and farm["deadline"]["kind"] is None
    assert tasks[("本政办发〔2018〕51号", "国土部门负责")]["responsible"] == ["市国土资源局"]
    assert tasks[("本政办发〔2018〕51号", "财政部门负责")]["responsible"] == ["市财政局"]
    milestone = next(t for n, t in prose_tasks(seed_export) if t["heading"] == "检查验收阶段")
    assert milestone["deadline"]["due"] == "2019-12-31"
    dash = next(
        t for n, t in prose_tasks(seed_export) if t["text"].startswith("2019年9月底前,完成全市")
    )
    assert dash["deadline"]["due"] == "2019-09-30"
    filing = next(
        t for n, t in prose_tasks(seed_export) if "于2018年9月30日前报市财政局备案" in t["text"]
    )
    assert filing["responsible"] == ["各县区政府"] and filing["deadline"]["due"] == "2018-09-30"
    yearly = next(
        t for n, t in prose_tasks(seed_export) if t["text"].startswith("每年9月30日前将下一年度")
    )
    d = yearly["deadline"]
    assert (d["kind"], d["every"], d["by"]) == ("recurring", "year", "09-30")
    column = next(t for n, t in prose_tasks(seed_export) if "于2018年10月底前在本地区" in t["text"])
    assert column["responsible"] == ["各县区政府", "有关部门"]


def test_goals_and_mentions_are_not_tasks(seed_export):
    texts = [t["text"] for _, t in prose_tasks(seed_export)]
    assert not any(t.startswith(("到2020年", "到2019年")) for t in texts)
    assert not any("达到" in t[:20] for t in texts)
    # 二、组织领导 only mentions who sits in the leading group
    assert not any(t["path"] == "二" for _, t in prose_tasks(seed_export))
    assert not Department.objects.filter(needs_review=True).exists()


def test_parenthetical_tasks_keep_their_own_deadline(seed_export):
    doc = next(d for d in seed_export["documents"] if d["number"] == "本政办发〔2018〕68号")
    yearly = [t for t in doc["tasks"] if t["deadline"]["by"] == "06-30"]
    assert [t["origin"] for t in yearly] == ["parenthetical"]  # no second, prose copy
