"""The service's routes, one module per area; each route is parse -> command ->
``Application.execute`` (or a read-model query) -> response."""

from astratrade_shell.service.routes import (
    calculators,
    commerce,
    dashboard,
    game,
    operations,
    social,
    stream,
    trading,
    users,
)

__all__ = ["ROUTERS"]

#: Every router, in the order the OpenAPI document lists them.
ROUTERS = (operations.router, users.router, trading.router, social.router, commerce.router,
           game.router, calculators.router, stream.router,
           dashboard.router)
