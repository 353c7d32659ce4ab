from langchain_community.vectorstores import FAISS
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

PROMPT = ChatPromptTemplate.from_template("Answer from the context only.\n{context}\n\n{question}")


def build(docs):
    store = FAISS.from_documents(docs, OpenAIEmbeddings())
    return store.as_retriever(), ChatOpenAI(temperature=0)
