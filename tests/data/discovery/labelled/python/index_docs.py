from pathlib import Path

from llama_index.core import SimpleDirectoryReader, VectorStoreIndex


def index(folder: Path) -> VectorStoreIndex:
    documents = SimpleDirectoryReader(str(folder)).load_data()
    return VectorStoreIndex.from_documents(documents)
