"""The human-facing reports of a run: labels, the HTML report, the workbook and the PDF.

- :mod:`kaohe.report.labels`: what the formats share (Chinese column
  headers, rule and table titles, grade counts) and :func:`extra_files`, the
  files a run writes beside its CSV files;
- :mod:`kaohe.report.html` (with its style sheet ``report.css`` and its
  charts in :mod:`kaohe.report.html_charts`): ``report.html``;
- :mod:`kaohe.report.workbook` (on :mod:`kaohe.report.xlsx`, the streamed
  writer): ``results.xlsx``;
- :mod:`kaohe.report.pdf`: ``report.pdf``, report.html printed by Chromium;
- :mod:`kaohe.report.chartkit`: what every chart of kaohe shares.
"""
