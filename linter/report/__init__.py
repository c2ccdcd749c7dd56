"""Reporters: one module per output format.  Reporters never decide anything; they
format the findings they are given."""
from . import json_report, text

REPORTERS = {
    "text": text.render,
    "json": json_report.render,
}
