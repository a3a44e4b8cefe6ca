"""Tests of the domain: data, validation, build, registry, links, queries, the guard."""
