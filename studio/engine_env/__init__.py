"""The GPU engine's own Python environment: where it is, what this machine's GPU needs, and
setting it up (`storyboard-studio engine status | install | use`).

The desktop bundle has no torch; generating with diffusion models needs a Python with torch and
diffusers. It lives apart from the app (a venv in the user data folder, or one the user already
has), and the diffusion engine runs there as a worker process (studio.engine.remote).
"""
