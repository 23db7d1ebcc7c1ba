"""Export writers: one module per format, each `write(records, stream, context) -> None`.

Every writer is a pure function of event records (as `idlib events --json` prints them, plus
`place`), so the command layer owns filtering, files and the clock. Nothing here is imported on
the common read path; a writer may import its format's library when it runs.
"""
