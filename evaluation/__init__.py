"""Scoring extractions against hand annotations: the sample, and a corpus folder."""
