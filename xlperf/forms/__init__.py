"""Form kinds: one package per official form (model, layout, checks, report text).

`guangdong_1_1` is Guangdong's municipal 附件1-1 基础信息表.
"""
