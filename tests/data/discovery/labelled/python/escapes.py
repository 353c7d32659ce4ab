SEPARATOR = "\x1f"
BULLET = "\u2022"
PATTERN = r"api\.\x61nything"
