"""The app layer: composes the brain and a device into a flight (configuration, command line, exits, live view)."""
