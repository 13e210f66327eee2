def run() -> list[str]:
    return []
