"""Reporters: one module per output format.  Reporters never decide anything; they
format the findings they are given."""
from . import checkstyle, github, json_report, junit, rdjson, sarif, text

REPORTERS = {
    "text": text.render,
    "json": json_report.render,
    "github": github.render,
    "sarif": sarif.render,
    "rdjson": rdjson.render,
    "checkstyle": checkstyle.render,
    "junit": junit.render,
}
