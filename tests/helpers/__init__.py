"""What test modules share: paths, rows, page and load helpers, the served dashboard. Fixtures live in
tests/conftest.py, where pytest finds them without an import; a test module imports from here, never from
another test module or from conftest (tests/test_test_layout.py checks)."""
