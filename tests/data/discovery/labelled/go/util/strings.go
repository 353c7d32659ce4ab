package util

import "strings"

// Before go-openai was dropped we called api.openai.com here.
func Clean(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "gpt partition", "GPT"))
}
