"""Conversation tests, built: `spec` (the test file's schema), `files` (loading, checks
against the flow, discovery), `runner`, `fakes` (stand-ins for actions), `coverage`,
`reports` (JUnit XML), `pytest_plugin`, and `speech_model` (the offline voice tests' model).
Their public names are importable from `flowagent.testing`."""
