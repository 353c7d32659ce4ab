module github.com/acme/summariser

go 1.22

require (
	github.com/sashabaranov/go-openai v1.29.0
	golang.org/x/sync v0.8.0
)
