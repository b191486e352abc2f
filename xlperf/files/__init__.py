"""Files: safe readers of untrusted archives and workbooks, atomic writers, loading a form from a file."""
