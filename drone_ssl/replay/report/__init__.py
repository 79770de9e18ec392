"""Reports of a logged flight: its plots, timeline and summary.md."""
