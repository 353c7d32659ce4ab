package com.acme;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.core.credential.AzureKeyCredential;

public class AzureChat {
    static OpenAIClient client(String key) {
        return new OpenAIClientBuilder()
            .endpoint("https://acme-prod.openai.azure.com/")
            .credential(new AzureKeyCredential(key))
            .buildClient();
    }
}
