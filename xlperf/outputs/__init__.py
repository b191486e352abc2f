"""Outputs: the Attachment 3 report (.docx/.pdf) and the finance bureau's review summary."""
