import google.generativeai as genai

from config import settings

genai.configure(api_key=settings.gemini_key)
model = genai.GenerativeModel("gemini-1.5-pro")


def summarise(text: str) -> str:
    return model.generate_content(f"Summarise for an executive: {text}").text
