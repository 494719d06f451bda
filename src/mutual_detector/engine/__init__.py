"""The scoring engine: pure functions from a questionnaire and answers to a result.

No file, terminal or network access here, and no import of typer, rich,
questionary or yaml (a test checks this in a fresh interpreter).
"""

from mutual_detector.engine.build import answer_text, assess
from mutual_detector.engine.compiled import Compiled, compile_questionnaire
from mutual_detector.engine.whatif import DEFAULT_BUDGET

__all__ = ["DEFAULT_BUDGET", "Compiled", "answer_text", "assess", "compile_questionnaire"]
