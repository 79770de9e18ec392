"""Benchmarks: speed and accuracy figures of perception, logs, replay, the simulator and the loop, with their peers."""
