"""Tests of ember.optim against torch.optim."""
