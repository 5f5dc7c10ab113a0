# Reports (runners/aeslab/analysis, runners/aeslab/dashboard, notebooks/):
# every notebook executed headless with parameters, every report regenerated
# from the small results set committed in tests/reports/data (real runs of
# this lab), tables checked against that input, and the dashboard and report
# pages opened in headless Chromium from file:// (screenshots and executed
# notebooks in tests/artifacts/).  Needs no build: Python and chromium only.
.PHONY: test-reports
TEST_TARGETS += test-reports
test-reports:
	$(PY) -m pytest -q tests/reports
