"""Tests of the bottom layer: formats and negotiation."""
