"""Tests of the tensor engine against torch."""
