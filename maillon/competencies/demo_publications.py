"""Demo data of the publications part (filled by its author)."""


def seed(context) -> None:
    return None
