"""Image helpers shared by perception and behaviour: checked camera input, depth and distance labels."""
