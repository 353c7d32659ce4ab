plugins {
    kotlin("jvm") version "2.0.20"
}

dependencies {
    implementation("com.openai:openai-java:0.8.0")
    implementation("io.ktor:ktor-client-core:2.3.12")
    // implementation("com.anthropic:anthropic-java:0.1.0")
}
