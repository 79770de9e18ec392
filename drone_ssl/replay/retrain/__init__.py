"""Retraining a mono model offline from flight logs: streamed batches, resume, DDP, held-out validation."""
