"""Sound: decoding, procedural sound beds, the mixer and loudness."""
