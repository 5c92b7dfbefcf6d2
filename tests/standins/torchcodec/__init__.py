"""Test stand-in: an empty torchcodec (see tests/standins/README.md)."""
