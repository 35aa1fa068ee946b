"""The development server's request path: route → path → resolve → decide → send.

``middleware`` routes (and guards the Host), ``http.paths`` makes the request path safe,
``resolver`` finds and caches the file, ``http.decide`` (pure) turns the request and the
file into a ``Decision``, and ``send`` writes it to the ASGI ``send``. ``hashed`` serves
production's hashed names from the sources; ``not_found`` and ``suggest`` write the debug
404 page."""
