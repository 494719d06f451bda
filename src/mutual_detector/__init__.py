"""mutual-detector: is this public service a candidate public service mutual?"""

__version__ = "0.2.0"

#: Format identifiers this version reads.
QUESTIONNAIRE_FORMAT = "mutual-detector/questionnaire@1"
QUESTIONNAIRE_PART_FORMAT = "mutual-detector/questionnaire-part@1"
ANSWERS_FORMAT = "mutual-detector/answers@1"
RESULT_FORMAT = "mutual-detector/result@2"

__all__ = [
    "ANSWERS_FORMAT",
    "QUESTIONNAIRE_FORMAT",
    "QUESTIONNAIRE_PART_FORMAT",
    "RESULT_FORMAT",
    "__version__",
]
