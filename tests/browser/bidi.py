"""What browser tests check of bidirectional text on an Arabic page."""

# whether the first four digits of an element's text (2026 of 2026-2027) are drawn left of its last four
LEFT_TO_RIGHT = """(element) => {
    const text = element.firstChild, range = document.createRange();
    range.setStart(text, 0); range.setEnd(text, 4);
    const first = range.getBoundingClientRect().left;
    range.setStart(text, text.length - 4); range.setEnd(text, text.length);
    return first < range.getBoundingClientRect().left;
}"""
