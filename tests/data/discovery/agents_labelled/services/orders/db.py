"""Order storage (no AI here)."""


def fetch_order(order_id: str) -> dict:
    return {"id": order_id, "tools": []}


def record_refund(order_id: str, amount_cents: int) -> None:
    pass
