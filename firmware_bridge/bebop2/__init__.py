"""The Parrot Bebop 2 backend (through pyparrot, an optional extra)."""
