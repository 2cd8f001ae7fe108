"""A generator of gazette issues that look like the real one, for benchmarks at scale.

Deterministic for a seed. Each issue has the seed's shape: a header with 总第N期 and a table of
contents, then 本政发/本政办发 documents — notices that enclose a plan (一、/(一)/1. outlines with
unnumbered paragraphs), opinions without an enclosure, a prose-duty plan (农业部门负责…, dated
milestones), and now and then a disclosure catalogue flattened like the seed's — with every
responsibility and deadline form the importer reads, departments from the registry plus new ones,
and citations of earlier generated documents. The texts go through the real importer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from departments.registry import REGISTRY

CITY = [name for name, kind, _ in REGISTRY if kind == "city"]
COUNTY_GROUP = ["各县区政府"]
GROUPS = ["有关部门", "相关部门", "市政府相关部门"]
NEW_NAMES = [
    "市大数据局",
    "市营商环境建设局",
    "市医疗保障局",
    "市退役军人事务局",
    "市应急管理局",
    "市自然资源局",
]
ALIASES = {"市住房城乡建设委": "市住房和城乡建设委", "市农委": "农业部门"}
TOPICS = [
    ("涉农资金统筹整合", "实施方案"),
    ("中医药发展", "实施方案"),
    ("养老服务质量提升", "实施意见"),
    ("政务公开", "工作方案"),
    ("营商环境优化", "行动方案"),
    ("生态环境保护", "实施方案"),
    ("公共资源配置", "实施方案"),
    ("全民健身", "实施意见"),
    ("农村人居环境整治", "工作方案"),
    ("社会信用体系建设", "实施意见"),
    ("城市更新", "行动方案"),
    ("消防安全", "工作方案"),
]
VERBS = ["加强", "推进", "完善", "健全", "强化", "优化", "深化", "落实", "规范", "提升"]
OBJECTS = [
    "工作机制",
    "政策体系",
    "服务能力",
    "监督管理",
    "信息公开",
    "资金保障",
    "队伍建设",
    "考核评价",
    "基础设施",
    "信息化建设",
]
SENTENCES = [
    "要按照国家和省、市有关要求，结合实际制定具体措施，确保各项任务落实到位。",
    "加强统筹协调，明确责任分工，细化时间表、路线图，形成工作合力。",
    "建立健全工作台账，定期调度工作进展，及时研究解决工作中遇到的问题。",
    "充分发挥市场作用，引导社会力量参与，提高资源配置效率和公平性。",
    "加大政策宣传和解读力度，及时回应社会关切，营造良好社会氛围。",
    "严格落实安全生产责任，加强事中事后监管，防范化解各类风险隐患。",
]
PART_HEADINGS = ["总体要求", "重点任务", "主要任务", "保障措施", "组织实施"]
CN = "一二三四五六七八九十"


def cn(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    return ("" if n < 20 else CN[n // 10 - 1]) + "十" + (CN[n % 10 - 1] if n % 10 else "")


@dataclass
class GeneratedIssue:
    year: int
    number: int
    text: str
    documents: int
    tasks: int


class CorpusGenerator:
    def __init__(self, seed: int = 1, first_year: int = 2005, tasks_per_document: int = 95):
        self.seed = seed
        self.first_year = first_year
        self.tasks_per_document = tasks_per_document
        self.cited: list[str] = []

    def issue(self, index: int) -> GeneratedIssue:
        rng = random.Random(f"{self.seed}-{index}")
        year, number = self.first_year + index // 12, index % 12 + 1
        docs, tasks = [], 0
        count = rng.choice([5, 6, 6, 7, 7])
        for k in range(count):
            kind = (
                "catalogue"
                if k == count - 1 and rng.random() < 0.15
                else rng.choice(["notice", "notice", "notice", "opinion", "prose"])
            )
            doc, n = self.document(rng, year, number, k, kind)
            docs.append(doc)
            tasks += n
        toc = "\n".join(f"  {title}({num})" for title, num, _ in docs)
        header = (
            f"索引号: 发布机构: 本溪市人民政府办公厅\n信息名称: 本溪市人民政府公报{year}年第{number}号 主题分类: 政府公报\n"
            f"发布日期: {year}-{number:02d}-{rng.randint(10, 28):02d} 成文日期: {year}-{number:02d}-01\n\n"
            f"本溪市人民政府公报{year}年第{number}号\n\n本溪市人民政府公报\n\n"
            f"{year}年第{number}号(总第{index + 1}期)\n\n  目  录\n\n{toc}\n\n"
        )
        text = header + "\n\n".join(body for _, _, body in docs) + "\n"
        return GeneratedIssue(year, number, text, len(docs), tasks)

    # --- documents -------------------------------------------------------------------------

    def document(self, rng, year, number, k, kind):
        office = kind != "notice" or rng.random() < 0.4
        code = "本政办发" if office else "本政发"
        seq = number * 10 + k + 1
        num = f"{code}〔{year}〕{seq}号"
        issuer = "本溪市人民政府办公厅" if office else "本溪市人民政府"
        topic, doc_type = rng.choice(TOPICS)
        plan = f"本溪市{topic}{doc_type}"
        if kind == "opinion":
            title = f"{issuer}关于{plan.removeprefix('本溪市')}的实施意见"
        else:
            title = f"{issuer}关于印发{plan}的通知"
        cut = max(8, len(title) // 2)
        lines = [
            f"{issuer}文件",
            num,
            title[:cut],
            title[cut:],
            "  ",
            "",
            "各自治县、区人民政府,市政府各委办局、直属机构:",
        ]
        signed = f"{year}年{max(1, number - 1)}月{rng.randint(1, 28)}日"
        cite = (
            f"(本政发〔{year - 1}〕{rng.randint(11, 60)}号)"
            if rng.random() < 0.5
            else "(辽政发〔2018〕21号)"
        )
        if kind == "opinion":
            lines.append(
                f"  为贯彻落实《辽宁省人民政府关于{topic}的意见》{cite}精神,结合我市实际,现提出如下实施意见:"
            )
        else:
            lines += [
                f"  现将《{plan}》印发给你们,请结合实际认真组织实施。",
                "",
                f"{' ' * 40}{issuer}",
                f"{' ' * 40}{signed}",
                "  (此件公开发布)",
                "",
                f"  {plan}",
                "",
                f"  为贯彻落实《辽宁省人民政府关于{topic}的意见》{cite}精神,结合我市实际,制定本方案。",
            ]
        self.cited.append(num)
        if kind == "prose":
            body, n = self.prose_outline(rng, year)
        elif kind == "catalogue":
            body, n = self.outline(rng, year, max(6, self.tasks_per_document // 4))
            body += "\n" + self.catalogue(rng)
        else:
            body, n = self.outline(rng, year, self.tasks_per_document)
        lines.append(body)
        if kind == "opinion":
            lines += ["", f"{' ' * 40}{issuer}", f"{' ' * 40}{signed}", "  (此件公开发布)"]
        return (title, num, "\n".join(lines)), n

    def outline(self, rng, year, target):
        out, n = [], 0
        first_is_lead = rng.random() < 0.2
        if first_is_lead:
            out.append("  一、总体要求")
            out.append("  (一)指导思想。" + rng.choice(SENTENCES))
            out.append(f"  (二)主要目标。到{year + 2}年,各项工作取得明显成效,服务水平显著提高。")
        part = 1 + first_is_lead
        while n < target:
            out.append(f"  {cn(part)}、{rng.choice(PART_HEADINGS[1:])}")
            for s in range(1, rng.randint(3, 5) + 1):
                out.append(f"  ({cn(s)}){rng.choice(VERBS)}{rng.choice(OBJECTS)}")
                for i in range(1, rng.randint(3, 6) + 1):
                    text = f"  {i}.{rng.choice(VERBS)}{rng.choice(OBJECTS)}。{rng.choice(SENTENCES)}{rng.choice(SENTENCES)}"
                    out.append(text + self.parenthetical(rng, year, first_is_lead and n == 0))
                    n += 1
                    if rng.random() < 0.3:
                        out.append(
                            f"  {rng.choice(SENTENCES)}" + self.parenthetical(rng, year, False)
                        )
                        n += 1
                    if n >= target:
                        break
                if n >= target:
                    break
            part += 1
        return "\n".join(out), n

    def parenthetical(self, rng, year, first_rule):
        names = rng.sample(CITY, 4) + ([rng.choice(NEW_NAMES)] if rng.random() < 0.05 else [])
        names = [ALIASES.get(x, x) if rng.random() < 0.3 else x for x in names]
        lead, rest = names[0], names[1:]
        deadline = self.deadline(rng, year)
        if first_rule:
            return f"(责任部门:{'、'.join(names[:3])},列在首位的部门为牵头部门,下同)"
        form = rng.randrange(7)
        if form == 0:
            body = f"{lead}牵头,{'、'.join(rest[:2])}等部门配合"
        elif form == 1:
            body = f"{rng.choice(COUNTY_GROUP)}负责"
        elif form == 2:
            body = f"责任单位:{'、'.join(rest[:2])},各县区政府"
        elif form == 3:
            body = f"牵头单位:{lead}、{rest[0]},配合单位:{rng.choice(GROUPS)}"
        elif form == 4:
            body = "市政府相关部门按职责分工牵头负责"
        elif form == 5:
            body = f"{lead}牵头,{'、'.join(rest[:2])}按职责分工负责"
        else:
            body = f"{lead}、{rest[0]}牵头,{rest[1]}、各县区政府等配合"
        return f"({body};{deadline})" if deadline else f"({body})"

    def deadline(self, rng, year):
        form = rng.randrange(7)
        y = year + rng.randint(0, 2)
        return [
            f"{y}年{rng.randint(1, 12)}月基本完成并逐步完善",
            f"{y}年基本完成",
            f"{year}年{rng.randint(1, 12)}月起持续推进",
            f"{y}年{rng.randint(1, 12)}月底前",
            f"每年{rng.randint(1, 12)}月{rng.randint(1, 28)}日前",
            "每季度末",
            "",
        ][form]

    def prose_outline(self, rng, year):
        out = [
            "  一、工作任务",
            f"  (一)组织动员阶段({year}年{rng.randint(3, 6)}月底前)。制定工作方案,成立工作领导小组。",
            f"  (二)全面实施阶段({year + 1}年{rng.randint(6, 9)}月底前)。全面铺开各项工作。",
            f"  ——{year + 1}年{rng.randint(9, 12)}月底前,完成全市各项任务。",
            "  二、工作职责",
        ]
        duties = ["农业部门", "财政部门", "国土部门", "水务部门", "统计部门", "发展改革部门"]
        for name in rng.sample(duties, 4):
            out.append(f"  {name}负责{rng.choice(VERBS)}{rng.choice(OBJECTS)}工作。")
        out.append(
            f"  各县(区)要结合实际制定实施方案,于{year}年{rng.randint(6, 11)}月底前报市政府办公厅备案。"
        )
        return "\n".join(out), 8

    def catalogue(self, rng):
        rows = ["  附件:", "", "政府信息主动公开目录清单 ", ""]
        rows += [
            x
            for h in [
                "序号",
                "重点领域",
                "公开事项",
                "公开时效",
                "公示期限",
                "公开方式",
                "责任主体",
                "监督渠道",
            ]
            for x in (h, "")
        ]
        owners = ["市水务局", "市交通运输局", "市林业局", "市国资委", "市发展改革委"]
        for seq in range(1, rng.randint(5, 12) + 1):
            rows += [
                str(seq),
                "",
                f"{rng.choice(OBJECTS)}领域",
                "",
                f"{rng.choice(OBJECTS)}公告",
                "",
                "包括:项目名称、办理结果等。",
                "",
                f"自信息形成之日起{rng.choice([5, 7, 10, 20])}个工作日内公开。",
                "",
                rng.choice(["长期", "3年", "5年"]),
                "",
                "市政府门户网站",
                "",
                rng.choice(owners),
                "",
                "辽宁省政务服务网“投诉举报”栏目",
                "",
            ]
        return "\n".join(rows)
