"""The scoring engine: pure functions from a questionnaire and answers to a result.

No file, terminal or network access here, and no import of typer, rich,
questionary or yaml (a test checks this in a fresh interpreter).

* :func:`assess` gives the full result; :func:`brief` the short form batch shows;
* both come from one evaluation core, :func:`mutual_detector.engine.evaluate.evaluate`.
"""

from mutual_detector.engine.assess import assess, prepare
from mutual_detector.engine.brief import Brief, brief
from mutual_detector.engine.plan import answer_text, plan_for
from mutual_detector.engine.whatif import DEFAULT_BUDGET

__all__ = ["DEFAULT_BUDGET", "Brief", "answer_text", "assess", "brief", "plan_for", "prepare"]
