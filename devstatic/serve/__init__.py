"""The development server's request path: route → path → resolve → decide → send.

``middleware`` routes (static path? live reload's own? a Host we know?) and composes the
rest; ``http.paths`` makes the request path safe; ``hashed`` answers production's hashed
names and ``files`` a file's own name, each asking ``resolver`` (finds and caches the
file), ``representation`` (the file or a precompressed sibling) and ``http.decide``
(pure) for a ``Decision``, which ``send`` writes to the ASGI ``send``. ``not_found`` and
``suggest`` write the 404. Each module imports only those below it."""
