package claude

import "github.com/anthropics/anthropic-sdk-go"

// New returns a client; the key comes from the environment.
func New() anthropic.Client {
	return anthropic.NewClient()
}
