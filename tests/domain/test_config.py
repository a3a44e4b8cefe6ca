"""Configuration flows one way: defaults → file → PLANKG_* environment → flags or test mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from plankg.domain.config import Config, load_config


def test_defaults_are_the_documented_limits() -> None:
    config = load_config()
    assert (config.query_timeout, config.result_limit, config.max_request_bytes) == (10.0, 100_000, 1024 * 1024)
    assert config.base_uri == "https://w3id.org/plankg/"


def test_each_layer_overrides_the_one_before(tmp_path: Path) -> None:
    file = tmp_path / "plankg.toml"
    file.write_text("[plankg]\nquery_timeout = 5\nresult_limit = 50\nport = 6000\n", "utf-8")
    environ = {"PLANKG_RESULT_LIMIT": "40", "PLANKG_BASE_URI": "http://127.0.0.1:6000", "PLANKG_UNRELATED": "x"}
    config = load_config(file, environ, {"port": 7000, "host": None})
    assert config.query_timeout == 5.0  # file
    assert config.result_limit == 40  # environment over file
    assert config.base_uri == "http://127.0.0.1:6000/"  # normalised
    assert config.port == 7000  # flags over everything
    assert config.host == Config().host  # an unset flag changes nothing


def test_the_data_setting_takes_a_path_list(tmp_path: Path) -> None:
    config = load_config(environ={"PLANKG_DATA": f"{tmp_path / 'a'}:{tmp_path / 'b'}"})
    assert config.data == (tmp_path / "a", tmp_path / "b")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"query_timeout": "soon"}, "bad value for query_timeout"),
        ({"base_uri": "ftp://example.org"}, "must be an http"),
        ({"colour": "blue"}, "unknown setting 'colour'"),
    ],
)
def test_bad_settings_are_named(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_config(overrides=overrides)


def test_the_public_view_is_plain_json_data_without_file_paths(tmp_path: Path) -> None:
    import json

    config = load_config(overrides={"data": [tmp_path], "store": f"oxigraph:{tmp_path}/stores"})
    view = config.as_public_dict()
    text = json.dumps(view)
    assert str(tmp_path) not in text and str(config.cache_dir) not in text
    assert view["data"] == "1 path(s) given" and "cache_dir" not in view
    assert view["query_timeout"] == config.query_timeout and view["unsafe_query_network"] is False
