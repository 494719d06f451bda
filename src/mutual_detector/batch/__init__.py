"""Assess many services in one go: inputs, a streaming runner, gates and comparisons.

Modules (import them directly; this package imports nothing heavy):

- :mod:`~mutual_detector.batch.inputs`: find answers and CSV files, in sorted order;
- :mod:`~mutual_detector.batch.csvrows`: read one CSV row as answers;
- :mod:`~mutual_detector.batch.csvfile`: read a CSV file, bounded, row by row;
- :mod:`~mutual_detector.batch.runner`: assess them, serially or in worker processes;
- :mod:`~mutual_detector.batch.pool`: the worker processes, each with its own pipes;
- :mod:`~mutual_detector.batch.gate`: ``--min-band`` / ``--min-score``;
- :mod:`~mutual_detector.batch.rank`: the shortlist order;
- :mod:`~mutual_detector.batch.compare`: two assessments of one service side by side;
- :mod:`~mutual_detector.batch.template`: blank answers templates (YAML and CSV);
- :mod:`~mutual_detector.batch.outputs`: standard output or an atomic file (:mod:`~mutual_detector.atomic`).
"""
