"""Stereo camera sources a real drone pairs with its link: frames, a side-by-side or two-stream capture."""
