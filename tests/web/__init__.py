"""Tests of the web layer through the real Flask app and its test client."""
