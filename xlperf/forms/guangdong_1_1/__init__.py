"""Guangdong's municipal 附件1-1 基础信息表 (the seed's form): model, layout, funding, report text."""
