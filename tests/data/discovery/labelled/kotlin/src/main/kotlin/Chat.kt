package acme

import com.openai.client.okhttp.OpenAIOkHttpClient
import com.openai.models.ChatModel

fun client() = OpenAIOkHttpClient.fromEnv()

val defaultModel = ChatModel.GPT_4O_MINI
