"""A new text from the browser: the "Nouveau texte" form, and a draft typed or imported from a
Markdown, DOCX or ODT file, previewed before anything is written (docs/drafting.md)."""
