"""The web layer: the only Flask code (the app factory, views, pages, errors, request hooks)."""
