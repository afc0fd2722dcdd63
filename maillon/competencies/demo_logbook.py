"""Demo data of the logbook part (filled by its author)."""


def seed(context) -> None:
    return None
