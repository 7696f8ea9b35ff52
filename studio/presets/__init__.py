"""Style presets: built-in data files plus the user's own, and the looks they apply."""
