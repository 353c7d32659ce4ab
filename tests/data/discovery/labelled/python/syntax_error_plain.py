def total(values:
    return sum(values
# model = "gpt-4o" was removed
