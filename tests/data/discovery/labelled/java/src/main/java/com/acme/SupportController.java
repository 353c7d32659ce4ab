package com.acme;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SupportController {
    private final ChatClient chat;

    SupportController(ChatClient.Builder builder) {
        this.chat = builder.build();
    }

    @GetMapping("/ask")
    String ask(String q) {
        return chat.prompt().user(q).call().content();
    }
}
