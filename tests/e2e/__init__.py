"""End to end: a live server on loopback, Chromium, a private Virtuoso, the W3C protocol tests."""
