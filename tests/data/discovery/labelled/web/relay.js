// Forwards chat requests to the provider.
const BASE = "https://api.\x61nthropic.com/v1/messages";

export async function relay(body, key) {
  const res = await fetch(BASE, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return res.json();
}
