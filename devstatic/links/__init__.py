"""What a page links to: ``static()`` URLs (hashed in production and, with
``hashed_urls``, in development), the import map and subresource integrity values."""
