"""The built-in catalogue's literal tokens written out as one extended pattern for
``git grep -E``, so that ``prodgate discover`` starts git grep before it loads the
catalogue.

Derived from gate_templates/signatures.yaml, the catalogue's source;
tests/test_discover_linear.py fails when they disagree, and prints the text to put here.
"""

GREP_PATTERN = (
    'adk|ag2|mcp|"ai"|\'ai\'|dspy|groq|peft|vllm|genai|gpt-4|gpt-5|keras|torch|tts-1|Op'
    'enAI|agents|ai\\.djl|cohere|crewai|grok-2|grok-3|grok-4|llama2|llama3|ollama|open'
    'ai|autogen|gpt-3\\.5|litellm|llama-3|o1-mini|o3-mini|o4-mini|sklearn|xgboost|@ai-'
    'sdk/|HF_TOKEN|api\\.x\\.ai|catboost|claude-1|claude-2|claude-3|claude-4|dall-e-2|d'
    'all-e-3|gemini-1|gemini-2|gemini-3|guidance|haystack|lightgbm|llama-2-|pixtral-|'
    'together|vertexai|anthropic|claude-v1|codellama|com\\.azure|command-r|diffusers|g'
    'rok-beta|langchain|langgraph|langsmith|llama_cpp|mistralai|replicate|sagemaker|t'
    'ext-ada-|whisper-1|CO_API_KEY|aiplatform|chat-bison|code-bison|codestral-|comman'
    'd-a-|gemini-exp|gemini-pro|instructor|llamaindex|meta\\.llama|ministral-|o1-previ'
    'ew|tensorflow|text-bison|OLLAMA_HOST|XAI_API_KEY|aws_bedrock|babbage-002|claude-'
    'opus|davinci-002|deepseek-r1|deepseek-v3|gpt-image-1|llama-index|llama_index|met'
    'a-llama/|onnxruntime|pydantic-ai|pydantic_ai|text-curie-|GROQ_API_KEY|HF_API_TOK'
    'EN|Microsoft\\.ML|amazon\\.nova-|claude-haiku|gemini-flash|gemini-ultra|generative'
    'ai|mistral-tiny|scikit-learn|scikit_learn|text-unicorn|transformers|0\\.0\\.0\\.0:1'
    '1434|Anthropic\\.SDK|OPENAI_ORG_ID|amazon\\.titan-|claude-sonnet|code-davinci-|com'
    'mand-light|deepseek-chat|mistral-embed|mistral-large|mistral-small|open-mistral-'
    '|open-mixtral-|openrouter\\.ai|text-babbage-|text-davinci-|/v1/embeddings|AWS::Be'
    'drock::|COHERE_API_KEY|GEMINI_API_KEY|OPENAI_API_KEY|VOYAGE_API_KEY|api\\.mistral'
    '\\.ai|claude-instant|deepseek-coder|embed-english-|mistral-medium|/v1/completions'
    '|127\\.0\\.0\\.1:11434|MISTRAL_API_KEY|OPENAI_BASE_URL|api\\.cerebras\\.ai|bedrock-ru'
    'ntime|command-nightly|huggingface-hub|huggingface_hub|localai/localai|localhost:'
    '11434|omni-moderation|rerank-english-|semantic-kernel|semantic_kernel|text-moder'
    'ation|AZURE_OPENAI_KEY|CEREBRAS_API_KEY|DEEPSEEK_API_KEY|TOGETHER_API_KEY|api\\.d'
    'eepseek\\.com|api\\.fireworks\\.ai|api\\.voyageai\\.com|com\\.google\\.cloud|llama-cpp-'
    'python|models\\.github\\.ai|text-embedding-3|ANTHROPIC_API_KEY|CODESTRAL_API_KEY|F'
    'IREWORKS_API_KEY|LANGCHAIN_API_KEY|LANGSMITH_API_KEY|OPENAI_PROJECT_ID|api\\.perp'
    'lexity\\.ai|deepseek-reasoner|google_vertex_ai_|ANTHROPIC_BASE_URL|OPENROUTER_API'
    '_KEY|PERPLEXITY_API_KEY|text-embedding-004|text-embedding-ada|HUGGINGFACE_API_KE'
    'Y|OPENAI_ORGANIZATION|REPLICATE_API_TOKEN|azurerm_ai_services|embed-multilingual'
    '-|textembedding-gecko|/v1/chat/completions|ANTHROPIC_AUTH_TOKEN|GOOGLE_GENAI_API'
    '_KEY|actions/ai-inference|rerank-multilingual-|@google/generative-ai|AWSSDK\\.Bed'
    'rockRuntime|AZURE_OPENAI_ENDPOINT|Amazon\\.BedrockRuntime|bedrock-agent-runtime|r'
    'outer\\.huggingface\\.co|@huggingface/inference|HUGGING_FACE_HUB_TOKEN|org\\.spring'
    'framework\\.ai|software\\.amazon\\.awssdk|AZURE_OPENAI_DEPLOYMENT|Microsoft\\.Extens'
    'ions\\.AI|AWS::SageMaker::Endpoint|AWS_BEARER_TOKEN_BEDROCK|AZURE_OPENAI_API_VERS'
    'ION|HUGGINGFACEHUB_API_TOKEN|Microsoft\\.SemanticKernel|@modelcontextprotocol/sdk'
    '|GOOGLE_GENAI_USE_VERTEXAI|azurerm_cognitive_account|ghcr\\.io/ggml-org/llama\\.cp'
    'p|ghcr\\.io/ggerganov/llama\\.cpp|api-inference\\.huggingface\\.co|azurerm_cognitive'
    '_deployment|com\\.microsoft\\.semantickernel|models\\.inference\\.ai\\.azure\\.com|gen'
    'erativelanguage\\.googleapis\\.com|AWS::SageMaker::InferenceComponent|github\\.com/'
    'google/generative-ai-go|Microsoft\\.CognitiveServices/accounts|google-github-acti'
    'ons/run-gemini-cli|huggingface/text-generation-inference|ghcr\\.io/huggingface/te'
    'xt-embeddings-inference|github\\.com/aws/aws-sdk-go-v2/service/bedrockruntime|git'
    'hub\\.com/aws/aws-sdk-go-v2/service/bedrockagentruntime'
)
