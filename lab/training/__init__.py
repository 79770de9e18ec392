"""Offline training of mono estimators: fitting on frame sets, and the shipped default model."""
