"""Tests of the image demos (ember.demos.digits, mnist, siamese) and their shared pieces."""
