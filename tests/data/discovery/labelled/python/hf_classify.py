from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

CHECKPOINT = "distilbert-base-uncased-finetuned-sst-2-english"

tokenizer = AutoTokenizer.from_pretrained(CHECKPOINT)
model = AutoModelForSequenceClassification.from_pretrained("cardiffnlp/twitter-roberta-base-sentiment-latest")
zero_shot = pipeline("zero-shot-classification", model="facebook/bart-large-mnli")
ner = pipeline("ner")
local = AutoModelForSequenceClassification.from_pretrained("./checkpoints/best")
