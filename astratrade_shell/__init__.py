"""AstraTrade shell: everything that touches the world (stores, buses, venues, the CLI)."""

__all__: list[str] = []
