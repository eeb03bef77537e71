"""The nn.Module classes, one concept per file; each file adds its classes here."""

__all__: list[str] = []
