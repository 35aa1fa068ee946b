"""The file system underneath: the inotify change feed that vouches for cached answers,
and the one way blocking file work leaves the event loop."""
