package com.acme;

import com.openai.client.OpenAIClient;
import com.openai.models.ChatModel;
import com.openai.models.moderations.ModerationCreateParams;

final class Moderator {
    private static final String MODERATION = "omni-moderation-latest";
    private static final ChatModel REVIEWER = ChatModel.GPT_4_1_MINI;

    boolean flagged(OpenAIClient client, String text) {
        var params = ModerationCreateParams.builder().model(MODERATION).input(text).build();
        return client.moderations().create(params).results().get(0).flagged();
    }
}
