"""Asking the questions at a desk (``mutual-detector assess`` in a terminal).

* :mod:`.steps`, :mod:`.sheet`, :mod:`.prompts` and :mod:`.session` are pure:
  the steps and replies (:mod:`.steps`), the answers so far with their
  precedence and notes (:mod:`.sheet`), what each step shows (:mod:`.prompts`)
  and which step comes next, going back and the review (:mod:`.session`).
  No terminal, no questionary; tested directly.
* :mod:`.collect` is what the CLI calls (:func:`.collect.collect_answers`): it
  merges answers from the command line and from a file, decides whether
  anything must be asked, and refuses politely without a terminal.
* :mod:`.runtime` handles signals (SIGTERM and SIGHUP act like Ctrl-C), the
  background load of the questionnaire, and the plain first prompt.
* :mod:`.saving` writes the draft on an interrupt and the answers file at the
  end, and builds the exact command that resumes.
* :mod:`.frontend` turns each step into a questionary prompt. It is the only
  module that imports questionary or prompt_toolkit, and it is imported only
  when there is something to ask, so the rest of the tool starts quickly.

Nothing is imported here, so ``import mutual_detector.interactive`` is cheap.
"""
