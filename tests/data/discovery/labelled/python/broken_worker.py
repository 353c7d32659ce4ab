# Half-merged during a rebase: this file does not parse.
import os, openai
try: import anthropic
except ImportError: anthropic = None
from mistralai import (
    Mistral,
)
<<<<<<< HEAD
def work(job):
=======
def work(job, retries=3):
>>>>>>> retries
    return os.environ["QUEUE"]
