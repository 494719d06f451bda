"""Asking the questions at a desk (``mutual-detector assess`` in a terminal).

* :mod:`.session` is pure: which question comes next, going back, the review
  step, applying answers and building the answers file. No terminal, no
  questionary.
* :mod:`.entry` is what the CLI calls: it merges answers from the command
  line and from a file, decides whether anything must be asked, refuses
  politely without a terminal, and saves a draft on Ctrl-C or SIGTERM.
* :mod:`.frontend` turns each step into a questionary prompt. It is the only
  module that imports questionary or prompt_toolkit, and it is imported only
  when there is something to ask, so the rest of the tool starts quickly.

Nothing is imported here, so ``import mutual_detector.interactive`` is cheap.
"""
