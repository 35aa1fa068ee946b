"""Getting files to production: ``collectstatic``'s copy, configuration checks, the nginx
block, progress reporting and the cleanup of old hashed versions."""
