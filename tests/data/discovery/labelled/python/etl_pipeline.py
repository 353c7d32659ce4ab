from etl.stages import pipeline

nightly = pipeline("orders", model="orders-v2", stages=["load", "dedupe"])
