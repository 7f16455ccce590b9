"""The grader: hidden checks, the mistake catalog, the sandbox, the grading pipeline, the staff's tools."""

import sys

# jsonschema, which nbformat imports, imports rfc3987_syntax when it is installed (jupyter-events asks
# for it) only to register checkers of the "iri" formats; building its grammar costs 1-3 s of CPU in
# every process that reads a notebook, and nbformat validates notebooks without checking formats.
sys.modules.setdefault("rfc3987_syntax", None)
