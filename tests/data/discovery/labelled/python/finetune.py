import torch
from torch.utils.data import DataLoader


def train(model: torch.nn.Module, loader: DataLoader, epochs: int = 3) -> None:
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-5)
    for _ in range(epochs):
        for batch in loader:
            loss = model(**batch).loss
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
