"""Open-loop evaluation of a mono model over logged flights: its figures and the decisions it would change."""
