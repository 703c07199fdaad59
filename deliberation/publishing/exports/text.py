"""A version of the text (or the current one) as Markdown or standalone HTML, structure kept."""

from django.template.loader import render_to_string


def markdown(content: dict, *, heading: str = "", fingerprint: str = "") -> str:
    """# title, > version, ## sections, ### Article N, paragraphs; Markdown's specials escaped."""
    parts = [f"# {_escape(content['title'])}"]
    if heading:
        parts.append(f"> {_escape(heading)}")
    if fingerprint:
        parts.append(f"> SHA-256 : `{fingerprint}`")
    if content.get("preamble"):
        parts.append(_paragraphs(content["preamble"]))
    for section in content["sections"]:
        parts.append(f"## {_escape(section['title'])}")
        for clause in section["clauses"]:
            parts.append(f"### Article {clause['number']}")
            parts.append(_paragraphs(clause["text"]))
    return "\n\n".join(parts) + "\n"


def _paragraphs(text: str) -> str:
    return "\n\n".join(_escape(line.strip()) for line in text.split("\n") if line.strip())


_SPECIALS = "\\`*_{}[]<>#|"


def _escape(text: str) -> str:
    """Text stays text: no emphasis, link, HTML or heading can be smuggled through a clause."""
    escaped = "".join("\\" + char if char in _SPECIALS else char for char in text)
    # A line starting like a list or a quote would change the structure.
    if escaped[:1] in "-+>=" or escaped[:2].rstrip(".").isdigit() and escaped[1:2] == ".":
        escaped = "\\" + escaped
    return escaped


def html(content: dict, *, heading: str = "", fingerprint: str = "") -> str:
    """A standalone HTML document (no script, no external resource)."""
    return render_to_string(
        "publishing/text_export.html",
        {"content": content, "heading": heading, "fingerprint": fingerprint},
    )
