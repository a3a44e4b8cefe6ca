"""The vendored browser libraries: the files recorded by tools/vendor-js, with their licences, served locally."""

from __future__ import annotations

import hashlib

from ..support import ROOT

VENDOR = ROOT / "src" / "plankg" / "web" / "static" / "vendor"


def test_vendored_files_are_the_recorded_npm_files_with_their_licences(client) -> None:  # type: ignore[no-untyped-def]
    sums = [line.split() for line in (VENDOR / "SHA256SUMS").read_text().splitlines() if line.strip()]
    assert {name for _, name in sums} == {
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "yasgui/yasgui.min.js",
        "yasgui/yasgui.min.css",
    }
    for digest, name in sums:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
        served = client.get(f"/static/vendor/{name}")
        assert served.status_code == 200 and hashlib.sha256(served.data).hexdigest() == digest
        served.close()
    assert "Redistribution and use in source and binary forms" in (VENDOR / "leaflet" / "LICENSE").read_text()
    licences = (VENDOR / "yasgui" / "LICENSES.txt").read_text()
    assert "The MIT License" in licences and "codemirror@" in licences and "dompurify@" in licences
