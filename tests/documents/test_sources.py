"""Reading Word and PDF files (documents.sources): the text the parser is given, the table
convention, joining the lines a PDF broke, and a clear error for what cannot be read."""

import io
import zipfile

import pdfplumber
import pytest
from docx import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from paths import CORPUS
from source_files import Block, Table, blocks_from_text, docx_bytes, encrypted_pdf, pdf_bytes

from documents.parser import ParseError, parse_text
from documents.parser.text import CELL_BREAK
from documents.sources import SCANNED_PDF, extract_text


def save(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html_pdf(body: str, css: str = "") -> bytes:
    from weasyprint import HTML

    style = (
        '@page { size: A4; margin: 25mm; } html { font-family: "Noto Serif CJK SC"; '
        "font-size: 11pt; line-height: 1.6; } p { margin: 0; text-indent: 2em; "
        "text-align: justify; } " + css
    )
    return HTML(string=f"<html><head><style>{style}</style></head><body>{body}</body>").write_pdf()


# --- Word -------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_come_in_document_order():
    document = WordDocument()
    document.add_paragraph("本溪市人民政府文件")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["序号", "名称", "说明"], ["1", "甲", "乙"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    paragraph = document.add_paragraph("  第一行")
    paragraph.add_run().add_break()
    paragraph.add_run("第二行")
    assert extract_text(save(document)).split("\n") == [
        "本溪市人民政府文件",
        "",
        "序号\t名称\t说明",
        "1\t甲\t乙",
        "",
        "  第一行",  # a paragraph's own spacing is kept; the parser strips lines
        "第二行",  # a line break inside a paragraph breaks the line
    ]


def test_docx_cell_paragraphs_and_tabs():
    document = WordDocument()
    table = document.add_table(rows=1, cols=3)
    cells = table.rows[0].cells
    cells[0].text = "2"
    cells[1].text = "第一段"
    cells[1].add_paragraph("")
    cells[1].add_paragraph("第二段")
    cells[2].text = "丙\t丁"
    assert extract_text(save(document)).strip("\n") == f"2\t第一段{CELL_BREAK}第二段\t丙 丁"


def test_docx_vertical_merge_repeats_and_horizontal_span_is_empty():
    document = WordDocument()
    table = document.add_table(rows=3, cols=3)
    cells = [row.cells for row in table.rows]
    cells[0][0].merge(cells[2][0]).text = "30"
    cells[0][1].merge(cells[0][2]).text = "跨两列"
    cells[1][1].text, cells[1][2].text = "乙", "丙"
    cells[2][1].text, cells[2][2].text = "丁", "戊"
    assert extract_text(save(document)).strip("\n").split("\n") == [
        "30\t跨两列\t",
        "30\t乙\t丙",
        "30\t丁\t戊",
    ]


NUMBERING = (
    f"<w:abstractNum {nsdecls('w')} w:abstractNumId='90'>"
    "<w:lvl w:ilvl='0'><w:start w:val='1'/><w:numFmt w:val='chineseCounting'/>"
    "<w:lvlText w:val='%1、'/></w:lvl>"
    "<w:lvl w:ilvl='1'><w:start w:val='1'/><w:numFmt w:val='chineseCounting'/>"
    "<w:lvlText w:val='（%2）'/></w:lvl>"
    "<w:lvl w:ilvl='2'><w:start w:val='1'/><w:numFmt w:val='decimal'/>"
    "<w:lvlText w:val='%3.'/></w:lvl></w:abstractNum>"
)


def test_docx_automatic_numbering_is_written_out():
    document = WordDocument()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(NUMBERING))
    numbering.append(
        parse_xml(f"<w:num {nsdecls('w')} w:numId='90'><w:abstractNumId w:val='90'/></w:num>")
    )

    def numbered(text, level):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f"<w:numPr {nsdecls('w')}><w:ilvl w:val='{level}'/><w:numId w:val='90'/></w:numPr>"
            )
        )

    for text, level in [("总体要求", 0), ("指导思想", 1), ("基本原则", 1), ("依法", 2)]:
        numbered(text, level)
    numbered("主要任务", 0)
    numbered("统筹谋划", 1)
    assert extract_text(save(document)).split("\n") == [
        "一、总体要求",
        "（一）指导思想",
        "（二）基本原则",
        "1.依法",
        "二、主要任务",
        "（一）统筹谋划",
    ]


WPS = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def test_docx_tracked_deletions_are_left_out_and_text_boxes_read():
    document = WordDocument()
    paragraph = document.add_paragraph("责任单位：")
    paragraph._p.append(
        parse_xml(
            f"<w:del {nsdecls('w')} w:id='1' w:author='a'><w:r><w:delText>市农委</w:delText>"
            "</w:r></w:del>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f"<w:ins {nsdecls('w')} w:id='2' w:author='a'><w:r><w:t>市农业农村局</w:t></w:r>"
            "</w:ins>"
        )
    )
    boxed = document.add_paragraph("正文")
    boxed._p.append(
        parse_xml(
            f"<w:r {nsdecls('w')} {WPS} {MC}><mc:AlternateContent><mc:Choice Requires='wps'>"
            "<w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>本溪市人民政府文件</w:t></w:r>"
            "</w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>"
            "<w:txbxContent><w:p><w:r><w:t>本溪市人民政府文件</w:t></w:r></w:p></w:txbxContent>"
            "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    assert extract_text(save(document)).split("\n") == [
        "责任单位：市农业农村局",
        "本溪市人民政府文件",  # the text box, once (not again from its fallback copy)
        "正文",
    ]


def test_docx_of_a_corpus_document_parses_as_its_text():
    path = CORPUS / "03_chongqing_grain_joint_rules.txt"
    if not path.exists():
        pytest.skip(f"{path} is not present")
    text = path.read_text(encoding="utf-8")
    blocks = blocks_from_text(text)
    assert any(b.table for b in blocks)  # the report form (tab-separated lines) as a Word table
    (want,) = parse_text(text).documents
    (got,) = parse_text(extract_text(docx_bytes(blocks), "rules.docx")).documents
    assert (got.number, got.issuer, got.title, got.signatories, got.signed_on) == (
        want.number,
        want.issuer,
        want.title,
        want.signatories,
        want.signed_on,
    )
    assert [(c.kind, c.path, c.text) for c in got.clauses] == [
        (c.kind, c.path, c.text) for c in want.clauses
    ]
    assert [a.title for a in got.attachments] == [a.title for a in want.attachments]
    assert got.catalogue == [] and not got.warnings  # a form, not a catalogue
    for mine, theirs in zip(got.attachments, want.attachments, strict=True):  # blank lines aside
        assert [x for x in mine.text.split("\n") if x] == [x for x in theirs.text.split("\n") if x]
    assert "举报人姓名\t\t身份证号码或其他身份识别信息\n受举报时间" in got.attachments[0].text


# --- what cannot be read ----------------------------------------------------------------------


def a_docx() -> bytes:
    document = WordDocument()
    document.add_paragraph("本溪市人民政府文件")
    return save(document)


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def broken_document_xml() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(a_docx()))
    return zip_of(
        {
            name: b"<w:document><w:body>" if name == "word/document.xml" else source.read(name)
            for name in source.namelist()
        }
    )


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (lambda: a_docx()[: len(a_docx()) // 2], "通知.docx", "Word文件已损坏"),
        (broken_document_xml, "通知.docx", "Word文件已损坏"),
        (
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "通知.doc",
            "不支持Word 97-2003（.doc）",
        ),
        (
            lambda: (
                b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                + bytes(600)
                + "EncryptedPackage".encode("utf-16-le")
            ),
            "通知.docx",
            "Word文件已加密",
        ),
        (lambda: zip_of({"xl/workbook.xml": b"<workbook/>"}), "表.xlsx", "不支持Excel"),
        (lambda: zip_of({"readme.txt": b"x"}), "a.zip", "不是Word文档"),
        (lambda: b"{\\rtf1\\ansi hello}", "a.rtf", "不支持RTF"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "公报.pdf", "PDF文件已损坏"),
        (encrypted_pdf, "公报.pdf", "PDF已加密"),
        (lambda: "本溪市人民政府公报".encode(), "公报.pdf", "文件名是.pdf，但内容不是PDF"),
        (
            lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "扫描.png",
            "是图片",
        ),
    ],
)
def test_unreadable_files_give_a_one_line_reason(make, name, message):
    with pytest.raises(ParseError) as info:
        extract_text(make(), name)
    assert message in str(info.value) and "\n" not in str(info.value)


def png() -> str:
    import base64

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 560, 160), outline="black", width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


@pytest.mark.parametrize(
    "body",
    [
        lambda: f'<img src="data:image/png;base64,{png()}" style="width: 150mm">',  # a scan
        lambda: "<div style='height: 50mm'></div>",  # a page with no text at all
    ],
)
def test_pdf_without_a_text_layer_says_so(body):
    with pytest.raises(ParseError) as info:
        extract_text(html_pdf(body()), "扫描件.pdf")
    assert str(info.value) == SCANNED_PDF


def test_oversize_file_is_refused():
    with pytest.raises(ParseError, match="文件过大"):
        extract_text(a_docx(), "a.docx", max_bytes=100)


# --- PDF: lines and tables --------------------------------------------------------------------

LONG = (
    "为贯彻落实《辽宁省人民政府关于探索建立涉农资金统筹整合长效机制的实施意见》精神，充分发挥"
    "财税体制改革牵引作用，推进实施乡村振兴战略和农业供给侧结构性改革，加快农业现代化和农村全面"
    "建成小康社会步伐。探索建立涉农资金统筹整合长效机制，结合我市实际，制定本实施方案。"
)


def test_pdf_lines_broken_by_the_layout_are_joined_again():
    pdf = html_pdf(
        "<p style='text-indent:0; text-align:center'>本溪市人民政府关于印发本溪市探索建立</p>"
        "<p style='text-indent:0; text-align:center'>涉农资金统筹整合长效机制实施方案的通知</p>"
        "<p style='text-indent:0'>各自治县、区人民政府，市政府各委办局、直属机构：</p>"
        f"<p>{LONG}</p>"
        "<p>一、总体要求</p>"
        f"<p>（一）指导思想。{LONG}（市财政局牵头，市农委配合；2018年12月底前完成）</p>"
        f"<p>{LONG}</p>"
    )
    assert extract_text(pdf).strip("\n").split("\n") == [
        "本溪市人民政府关于印发本溪市探索建立",  # centred lines stay lines
        "涉农资金统筹整合长效机制实施方案的通知",
        "各自治县、区人民政府，市政府各委办局、直属机构：",
        LONG,
        "一、总体要求",
        f"（一）指导思想。{LONG}（市财政局牵头，市农委配合；2018年12月底前完成）",
        LONG,
    ]


def test_pdf_page_numbers_and_running_heads_are_dropped_and_paragraphs_run_over_pages():
    css = (
        "@page { @top-center { content: '本溪市人民政府公报 2018年第6号'; }"
        " @bottom-center { content: '— ' counter(page) ' —'; } }"
    )
    paragraphs = [f"{k + 1}.{LONG}" for k in range(30)]
    pdf = html_pdf("".join(f"<p>{p}</p>" for p in paragraphs), css)
    assert extract_text(pdf).strip("\n").split("\n") == paragraphs


def test_pdf_table_of_contents_leaders_and_page_numbers_are_dropped():
    css = ".toc a::after { content: leader(dotted) ' ' target-counter(attr(href), page); }"
    pdf = html_pdf(
        "<div class='toc'><p><a href='#d1'>本溪市人民政府关于印发方案的通知（本政发〔2018〕13号）"
        "</a></p></div><p id='d1' style='break-before: page'>正文。</p>",
        css,
    )
    assert extract_text(pdf).split("\n")[0] == (
        "本溪市人民政府关于印发方案的通知（本政发〔2018〕13号）"
    )


def test_pdf_table_over_pages_is_one_table_with_merged_cells_repeated():
    rows = [
        [[str(k + 1)], ["住房保障领域信息"], [f"事项{k + 1}", LONG], ["长期"]] for k in range(12)
    ]
    table = Table(["序号", "重点领域", "公开事项", "公示期限"], rows, spans={(0, 1): 12})
    text = extract_text(pdf_bytes([Block(text="附件"), Block(table=table)]))
    lines = text.strip("\n").split("\n")
    assert lines[0] == "附件" and lines[1] == ""
    assert lines[2] == "序号\t重点领域\t公开事项\t公示期限"  # once, not again on each page
    body = [line.split("\t") for line in lines[3:]]
    assert [row[0] for row in body] == [str(k + 1) for k in range(12)]
    assert [row[2] for row in body] == [f"事项{k + 1}{CELL_BREAK}{LONG}" for k in range(12)]
    # the merged area is given where the page shows it; a page it runs on to shows it empty
    assert body[0][1] == "住房保障领域信息"
    assert {row[1] for row in body} <= {"住房保障领域信息", ""}


def test_pdf_row_cut_by_page_breaks_is_one_row_again():
    def row(k, text):
        return f"<tr><td>{k}</td><td>甲{k}</td><td>{text}</td><td>长期</td></tr>"

    rows = "".join(row(k, LONG * (5 if k == 3 else 1)) for k in range(1, 6))
    css = "table { border-collapse: collapse; width: 100%; } td, th { border: 0.6pt solid; }"
    pdf = html_pdf(  # low on the page, so that row 3 runs on to the next
        "<div style='height: 185mm'></div>"
        "<table><thead><tr><th>序号</th><th>名称</th><th>内容</th><th>期限</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>",
        css,
    )
    assert len(pdfplumber.open(io.BytesIO(pdf)).pages) == 2
    # (cells here mark no paragraphs, so a line ending a sentence at the rule may end one too)
    lines = extract_text(pdf).replace(CELL_BREAK, "").strip("\n").split("\n")
    assert lines[0] == "序号\t名称\t内容\t期限"
    assert [line.split("\t") for line in lines[1:]] == [
        [str(k), f"甲{k}", LONG * (5 if k == 3 else 1), "长期"] for k in range(1, 6)
    ]


# --- the catalogue as a real table ------------------------------------------------------------

DOC = (
    "本溪市人民政府办公厅文件\n本政办发〔2018〕69号\n本溪市人民政府办公厅关于印发目录的通知\n\n"
    "各县区人民政府：\n现印发给你们。\n\n本溪市人民政府办公厅\n2018年9月4日\n\n附件：\n"
    "公共资源配置领域政府信息主动公开目录清单\n\n"
)


def catalogue(*rows: str) -> list:
    (doc,) = parse_text(DOC + "\n".join(rows) + "\n").documents
    return doc


def test_table_rows_are_read_by_column_names():
    doc = catalogue(
        "序号\t重点领域\t公开事项\t公开时效\t公示期限\t公开方式\t责任主体\t监督渠道",
        "1\t住房保障\t住房保障领域信息\u2028市政府发布的政策法规。\t文件制发之日起20个工作日内公开。"
        "\t长期\t市政府网站\t市住房城乡建设委\t投诉栏目",
        "2\t\t建设信息。1.年度建设计划。\u20282.项目进展。\t确定计划后20个工作日内公开。\t长期"
        "\t市政府网站\t市、县(区)政府部门\t投诉栏目",
        "2\t\t分配信息\t分配后20个工作日内公开。\t长期\t市政府网站\t市住房城乡建设委\t投诉栏目",
        "\t国有土地\t出让公告\t活动开始前20日内发布。\t20日\t中国土地市场网\t国土部门\t举报栏目",
    )
    got = [(r.seq, r.area, r.item, r.detail, r.period, r.owner) for r in doc.catalogue]
    assert got == [
        ("1", "住房保障", "住房保障领域信息", "市政府发布的政策法规。", "长期", "市住房城乡建设委"),
        (
            "2",
            "住房保障",
            "建设信息",
            "建设信息。1.年度建设计划。\n2.项目进展。",
            "长期",
            "市、县(区)政府部门",
        ),
        ("2", "住房保障", "分配信息", "", "长期", "市住房城乡建设委"),
        ("2", "国有土地", "出让公告", "", "20日", "国土部门"),  # no 序号: under the one above
    ]
    assert (doc.catalogue[0].rule.kind, doc.catalogue[0].rule.n) == ("working_days", 20)
    assert doc.catalogue[3].rule.kind == "days" and not doc.warnings
    assert doc.attachments[0].title == "公共资源配置领域政府信息主动公开目录清单"


def test_a_detail_column_and_a_row_that_cannot_be_read():
    doc = catalogue(
        "序 号\t重点领域\t公开事项\t公开内容\t公开时效\t公示期限\t公开方式\t责任主体\t监督渠道"
        "\t备注",
        "1\t取水许可\t取水许可公告\t包括：取水地位、取水水量。\t做出决定之日起7个工作日内公示。"
        "\t3年\t市水务局网站\t市水务局\t投诉栏目\t无",
        "2\t取水许可\t入河排污口设置\t\t\t\t\t\t\t",
    )
    (row,) = doc.catalogue
    assert (row.item, row.detail, row.timeliness, row.supervision) == (
        "取水许可公告",
        "包括：取水地位、取水水量。",
        "做出决定之日起7个工作日内公示。",
        "投诉栏目",
    )
    (warning,) = doc.warnings
    assert "第2行" in warning.message and doc.unplaced == ["2\n取水许可\n入河排污口设置"]


@pytest.mark.parametrize("second_seq", ["序号", ""])  # merged down, or left empty
def test_a_header_of_two_rows(second_seq):
    doc = catalogue(
        "序号\t重点领域\t公开事项\t\t公开时效\t公示期限\t公开方式\t责任主体\t监督渠道",
        f"{second_seq}\t\t事项名称\t事项内容\t\t\t\t\t",
        "1\t取水许可\t取水许可公告\t包括：取水地位。\t决定之日起7个工作日内公示。\t3年\t网站"
        "\t市水务局\t投诉栏目",
    )
    (row,) = doc.catalogue
    assert (row.seq, row.item, row.detail, row.period, row.owner) == (
        "1",
        "取水许可公告",
        "包括：取水地位。",
        "3年",
        "市水务局",
    )
    assert not doc.warnings


def test_tab_separated_lines_that_are_no_catalogue_stay_text():
    doc = catalogue(
        "举报人姓名\t\t身份证号码\t", "受举报时间\t\t举报人联系方式\t", "序号\t姓名\t职务"
    )
    assert doc.catalogue == [] and not doc.warnings
    assert "受举报时间\t\t举报人联系方式" in doc.attachments[0].text
