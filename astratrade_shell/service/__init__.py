"""``astratrade serve``: the HTTP API over the core (FastAPI on uvicorn).

:func:`~.config.load_config` reads the settings, :func:`~.platform.open_platform` opens the
store, bus, read models and exchange, :func:`~.app.create_app` builds the ASGI app.  See
docs/api.md."""

__all__: list[str] = []
