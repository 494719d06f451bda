"""Assess many services in one go: inputs, a streaming runner and its records.

Modules (import them directly; this package imports nothing heavy):

- :mod:`~mutual_detector.batch.inputs`: find answers and CSV files, in sorted order;
- :mod:`~mutual_detector.batch.csvrows`: read one CSV row as answers;
- :mod:`~mutual_detector.batch.csvfile`: read a CSV file, bounded, row by row;
- :mod:`~mutual_detector.batch.runner`: assess them, serially or in worker processes;
- :mod:`~mutual_detector.batch.worker`: what each worker process does with one input;
- :mod:`~mutual_detector.batch.records`: the plain records that cross between processes;
- :mod:`~mutual_detector.batch.pool`: the worker processes, each with its own pipes;
- :mod:`~mutual_detector.batch.rank`: the shortlist order.

The gate that ``batch`` shares with ``assess`` is :mod:`mutual_detector.gate`; where
the output goes, :mod:`mutual_detector.cli.outputs` (only the CLI writes it).
"""
