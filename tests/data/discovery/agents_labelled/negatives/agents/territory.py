class Territory:
    region = "north"
