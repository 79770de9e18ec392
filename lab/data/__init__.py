"""Data the lab evaluates on: real stereo photographs with truth, simulated frame sets, synthetic flight logs."""
