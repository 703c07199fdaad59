"""The editorial desk (bureau de rédaction): where the collective reads every amendment still to
be answered, grouped into the questions they raise, and integrates or answers them.

`grouping` and `agreement` are pure functions; `selectors` reads; `services` writes.
See docs/process.md, "Le bureau de rédaction".
"""
