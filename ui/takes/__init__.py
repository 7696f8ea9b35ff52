"""The takes browser (a shot's takes side by side: play, pick, keep or delete) and the retake
dialog."""
