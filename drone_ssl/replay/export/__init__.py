"""Export of the stereo-labelled frames of flight logs as a plain dataset (PNG, CSV, npz)."""
