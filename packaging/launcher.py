"""The frozen app's entry point: the `storyboard-studio` command (`gui` opens the editor)."""

import sys

from studio.cli.main import main

if __name__ == "__main__":
    # started with no arguments (from a launcher or a double-click): open the editor
    sys.exit(main(sys.argv[1:] or ["gui"]))
