def add_flags(book, ws, layout, form, rules):
    return None
