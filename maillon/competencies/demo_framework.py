"""Demo data of the framework part (filled by its author)."""


def seed(context) -> None:
    return None
