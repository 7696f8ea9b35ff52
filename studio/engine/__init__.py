"""The generation engine: backends, jobs, the queue and the worker thread."""
