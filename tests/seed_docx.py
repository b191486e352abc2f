"""The seed's Attachment 1-1 and Attachment 3 (shared/seed/000_e7bcbfd3db8a0485.txt) typed into
a .docx as the seed shows them: labels broken across lines where the seed breaks them
("按方向\\n划分", "市本级资\\n金"), 年 月 日 written out with their spaces, the table split across
two pages (the second repeating 绩效目标 as its section label), the 附件3 cover as
paragraphs and its prompt | answer table."""

from __future__ import annotations

from pathlib import Path

BASIS = [
    "1.《韶关市机构编制委员会关于印发〈韶关市行政服务中心机构编制方案〉的通知》(韶机编发[2017]8号)；",
    "3.关于深入贯彻落实市政府工作报告精神优化政务服务环境的会议纪要（市政府工作会议纪要）；",
    "4、《中共韶关市委办公室韶关市人民政府办公室关于印发韶关市12345政府服务热线（含网络问政）",
    "工作管理责任制的通知》（韶委办发电[2018]41号）；",
    "5.《中共韶关市委办公室韶关市人民政府办公室关于印发韶关市12345政府服务热线（含网络问政）平",
    "台整合工作方案》（韶委办发电[2018]43号）；",
    "6.《关于规范中省媒体涉及我市问政贴文答复工作的请示》（韶政务[2018]27号）；",
    "7.《广东省人民政府办公厅关于加快省政务服务网热线平台建设及规范业务流转工作的通知》；",
    "8.《广东省人民政府办公厅关于印发〈广东省政务服务“好差评”管理办法（试行）〉的通知》（粤",
    "办函[2019]247号）。",
]
"""As the seed's cell shows them: long titles wrap onto a line of their own. (Other values
are typed as one line each: the seed's breaks inside them are the page's wrapping.)"""

GOAL = "保障市政务服务大厅和12345政府服务热线平台正常运行，提供便民高效的公共服务，提升政府形象。"
DONE = "保障了市政务服务大厅和12345政府服务热线平台正常运行，提供便民高效的公共服务，提升了政府形象。"

# 9 grid columns: A section | B block | C sub-block | D..I values
PAGE1 = [
    # (row cells: (text, span)), a vertical merge continues with (None, span)
    [("基本\n情况", 1), ("项目名称", 1), ("市行政服务中心大厅、政府服务热线平台运行与服务", 3), ("评价\n年度", 1), ("2020年", 1), ("评价\n金额", 1), ("122.17", 1)],
    [(None, 1), ("联系人", 1), ("肖舒丹", 2), ("联系\n电话", 1), ("0751-8877833", 1), ("联系\n邮箱", 1), ("2213245999@qq.com", 2)],
    [(None, 1), ("项目开始\n时间", 1), ("  2020年 01月 01日", 3), ("项目完成时间", 1), ("2020年 12月  31日", 3)],
    [(None, 1), ("实施文件\n依据", 1), ("\n".join(BASIS), 7)],
    [("资金\n概况", 1), ("资金安排\n情况", 1), ("分年度\n明细", 1), ("年度", 1), ("预算安排额度", 5)],
    [(None, 1), (None, 1), (None, 1), (None, 1), ("中央及省级资金", 1), ("市本级资\n金", 1), ("转移支付至县\n（市、区）", 2), ("资金合计", 1)],
    [(None, 1), (None, 1), (None, 1), ("2020年", 1), ("", 1), ("122.17", 1), ("", 2), ("122.17", 1)],
    [(None, 1), ("资金使用\n情况", 1), ("实际明\n细支出", 1), ("年度", 1), ("中央及省级支出", 1), ("市本级支\n出", 1), ("转移支付县（市\n、区）支出", 2), ("资金合计", 1)],
    [(None, 1), (None, 1), (None, 1), ("2020年", 1), ("", 1), ("122.17", 1), ("", 2), ("122.17", 1)],
    [(None, 1), (None, 1), ("按方向\n划分", 1), ("年度", 1), ("资金使用方向", 4), ("支出额度", 1)],
    [(None, 1), (None, 1), (None, 1), ("2020年", 1), ("政府服务", 4), ("122.17", 1)],
    [("绩效\n目标", 1), ("绩效目标\n情况", 1), ("预期总\n体目标", 1), (GOAL, 3), ("是否如期\n实现预期\n总体目标", 2), ("是", 1)],
    [(None, 1), (None, 1), ("预期阶\n段性目\n标", 1), (GOAL, 3), ("实际完成\n情况", 1), (DONE, 2)],
]

PAGE2 = [
    [("绩效\n目标", 1), ("绩效指标\n情况", 1), ("产出指\n标", 1), ("绩效指标", 1), ("指标名称", 1), ("指标计算\n公式", 1),
     ("评价\n年度\n预期\n值", 1), ("评价年度\n实现值", 1), ("未完成原因\n说明", 1)],
    [(None, 1), (None, 1), (None, 1), ("数量指标", 1), ("业务办理增长率", 1), ("（年办理量-上年办理量）/上年办理量", 1),
     ("持平或略有增长", 1), ("大厅办件量增长1.12%，热线增长率117.8%", 1), ("已完成。", 1)],
    [(None, 1), (None, 1), (None, 1), ("质量指标", 1), ("最多跑一次事项率", 1), ("最多跑一次事项数/进驻大厅事项数", 1),
     ("95%以上", 1), ("99.16%", 1), ("已完成。", 1)],
    [(None, 1), (None, 1), (None, 1), ("时效指标", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1)],
    [(None, 1), (None, 1), (None, 1), ("成本指标", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1)],
    [(None, 1), (None, 1), ("效益指\n标", 1), ("经济效益指标", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1)],
    [(None, 1), (None, 1), (None, 1), ("社会效益指标", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1)],
    [(None, 1), (None, 1), (None, 1), ("环境效益指标", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1)],
    [(None, 1), (None, 1), (None, 1), ("可持续发展指标", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1), ("无", 1)],
    [(None, 1), (None, 1), ("满意度\n指标", 1), ("服务对象或公众满意度", 1), ("群众满意度", 1), ("群众满意舒/群众总评价数", 1),
     ("95%以上", 1), ("99.59%", 1), ("已完成。", 1)],
    [("单位需要说明的其他情\n况", 3), ("", 6)],
]

REPORT_TABLE = [
    [("一、项目基本情况及自评结论", 2)],
    [("（一）项目用款单位简要情况。", 1), ("韶关市行政服务中心为市政务服务数据管理局管理的公益一类事业单位，正处级。", 1)],
    [("（二）项目实施主要内容及实施\n程序。（绩效目标完成情况）", 1),
     ("保障市行政服务中心服务大厅和政府热线平台正常运行，提供便民高效的公共服务，提升政府形象。", 1)],
    [("（三）简述项目自评等级和分\n数，并对照佐证材料逐一分析。", 1),
     ("自评优秀，分数97分。项目立项方面：论证决策充分。目标设置是完整、合理、可衡量的。保障的制度完整，计划安排合理。"
      "资金落实方面：资金到位率较高，资金到位及时。资金分配合理。资金管理方面：支出规范。事项管理方面：实施程序规范，"
      "监管有效。经济性方面：预算控制除按要求压减的外，与年初匹配率较高100%匹配预算数。成本控制较好。效率性方面：按时"
      "按量完成年初预算，完成质量较高。效果性方面：起到为企业群众提供优质服务的作用。公平性方面：企业群众的满意度较高，均达95%以上。", 1)],
    [("二、绩效表现", 2)],
    [("（一）资金使用绩效。", 1), ("自评优秀，资金使用安全合规，支出进度理想。", 1)],
    [("（二）存在问题。针对短板指标\n分析项目资金使用存在的问题和\n原因。", 1), ("细项的预算准确度还有待提升。", 1)],
    [("三、改进意见（计划）", 2)],
    [("针对存在的问题提出完善项目管\n理资金绩效管理的意见。或拟在\n下一步工作中调整完善的工作计\n划。", 1), ("强化每一项的预算前期研究和事中管理。", 1)],
    [("四、其他需要说明的情况", 2)],
    [("包括但不限于政策制定、项目实\n施管理等方面好的经验方法，碰\n到的实际困难等其他需说明的内\n容。", 1), ("无", 1)],
]


def _table(doc, rows, n_cols):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = doc.add_table(rows=0, cols=n_cols)
    table.style = "Table Grid"
    for cells in rows:
        tr = table.add_row()._tr
        for tc in list(tr.tc_lst):
            tr.remove(tc)
        for text, span in cells:
            tc = OxmlElement("w:tc")
            pr = OxmlElement("w:tcPr")
            if span > 1:
                gs = OxmlElement("w:gridSpan")
                gs.set(qn("w:val"), str(span))
                pr.append(gs)
            if text is None:
                vm = OxmlElement("w:vMerge")
                pr.append(vm)
            elif _starts_merge(rows, cells, text):
                vm = OxmlElement("w:vMerge")
                vm.set(qn("w:val"), "restart")
                pr.append(vm)
            tc.append(pr)
            for line in (text or "").split("\n"):
                p = OxmlElement("w:p")
                r = OxmlElement("w:r")
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = line
                r.append(t)
                p.append(r)
                tc.append(p)
            tr.append(tc)
    return table


def _starts_merge(rows, cells, text) -> bool:
    """A cell whose column continues (None) in the next row starts a vertical merge."""
    i = rows.index(cells)
    if i + 1 >= len(rows):
        return False
    col = 0
    for t, span in cells:
        if t is text:
            break
        col += span
    ncol = 0
    for t, span in rows[i + 1]:
        if ncol == col:
            return t is None
        ncol += span
    return False


def seed_docx(path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    doc.add_paragraph("附件1-1")
    doc.add_paragraph("市级财政支出项目绩效自评基础信息表")
    doc.add_paragraph("填报单位名称：韶关市行政服务中心   金额单位：万元")
    _table(doc, PAGE1, 9)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _table(doc, PAGE2, 9)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("附件3")
    doc.add_paragraph("市级财政支出项目绩效自评报告")
    doc.add_paragraph("项目名称： 市行政服务中心大厅、政府服务热线平台运行与服务")
    doc.add_paragraph("市级项目主管部门（公章）: 韶关市行政服务中心")
    doc.add_paragraph("填报人姓名： 肖舒丹")
    doc.add_paragraph("联系电话： 8877833")
    doc.add_paragraph("填报日期： 2021-3-18")
    _table(doc, REPORT_TABLE, 2)
    doc.save(path)
    return Path(path)
