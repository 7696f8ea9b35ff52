"""The headless command line: `storyboard-studio …` / `python -m studio …`."""
