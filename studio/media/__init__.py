"""Reading and writing media files with PyAV."""
