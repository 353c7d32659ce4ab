"""The built-in catalogue's literal tokens written out as one extended pattern for
``git grep -E``, so that ``prodgate discover`` starts git grep before it loads the
catalogue.

Derived from gate_templates/signatures.yaml, the catalogue's source;
tests/test_discover_linear.py fails when they disagree, and prints the text to put here.
"""

GREP_PATTERN = (
    '"ai"|\'ai\'|dspy|groq|peft|vllm|genai|gpt-4|gpt-5|keras|torch|tts-1|OpenAI|ai\\.djl'
    '|cohere|crewai|grok-2|grok-3|grok-4|llama2|llama3|ollama|openai|autogen|gpt-3\\.5'
    '|litellm|llama-3|o1-mini|o3-mini|o4-mini|sklearn|xgboost|@ai-sdk/|HF_TOKEN|api\\.'
    'x\\.ai|catboost|claude-1|claude-2|claude-3|claude-4|dall-e-2|dall-e-3|gemini-1|ge'
    'mini-2|gemini-3|guidance|haystack|lightgbm|llama-2-|pixtral-|together|vertexai|a'
    'nthropic|claude-v1|codellama|com\\.azure|command-r|diffusers|grok-beta|langchain|'
    'langgraph|langsmith|llama_cpp|mistralai|replicate|sagemaker|text-ada-|whisper-1|'
    'CO_API_KEY|aiplatform|chat-bison|code-bison|codestral-|command-a-|gemini-exp|gem'
    'ini-pro|instructor|llamaindex|meta\\.llama|ministral-|o1-preview|smolagents|tenso'
    'rflow|text-bison|OLLAMA_HOST|XAI_API_KEY|aws_bedrock|babbage-002|claude-opus|dav'
    'inci-002|deepseek-r1|deepseek-v3|gpt-image-1|llama-index|llama_index|meta-llama/'
    '|onnxruntime|pydantic-ai|pydantic_ai|text-curie-|GROQ_API_KEY|HF_API_TOKEN|Micro'
    'soft\\.ML|amazon\\.nova-|claude-haiku|gemini-flash|gemini-ultra|generativeai|mistr'
    'al-tiny|scikit-learn|scikit_learn|text-unicorn|transformers|0\\.0\\.0\\.0:11434|Ant'
    'hropic\\.SDK|OPENAI_ORG_ID|amazon\\.titan-|claude-sonnet|code-davinci-|command-lig'
    'ht|deepseek-chat|mistral-embed|mistral-large|mistral-small|open-mistral-|open-mi'
    'xtral-|openrouter\\.ai|text-babbage-|text-davinci-|/v1/embeddings|AWS::Bedrock::|'
    'COHERE_API_KEY|GEMINI_API_KEY|OPENAI_API_KEY|VOYAGE_API_KEY|api\\.mistral\\.ai|cla'
    'ude-instant|deepseek-coder|embed-english-|mistral-medium|/v1/completions|127\\.0\\'
    '.0\\.1:11434|MISTRAL_API_KEY|OPENAI_BASE_URL|api\\.cerebras\\.ai|bedrock-runtime|co'
    'mmand-nightly|huggingface-hub|huggingface_hub|localai/localai|localhost:11434|om'
    'ni-moderation|rerank-english-|semantic-kernel|semantic_kernel|text-moderation|AZ'
    'URE_OPENAI_KEY|CEREBRAS_API_KEY|DEEPSEEK_API_KEY|TOGETHER_API_KEY|api\\.deepseek\\'
    '.com|api\\.fireworks\\.ai|api\\.voyageai\\.com|com\\.google\\.cloud|llama-cpp-python|m'
    'odels\\.github\\.ai|text-embedding-3|ANTHROPIC_API_KEY|CODESTRAL_API_KEY|FIREWORKS'
    '_API_KEY|LANGCHAIN_API_KEY|LANGSMITH_API_KEY|OPENAI_PROJECT_ID|api\\.perplexity\\.'
    'ai|deepseek-reasoner|google_vertex_ai_|ANTHROPIC_BASE_URL|OPENROUTER_API_KEY|PER'
    'PLEXITY_API_KEY|text-embedding-004|text-embedding-ada|HUGGINGFACE_API_KEY|OPENAI'
    '_ORGANIZATION|REPLICATE_API_TOKEN|azurerm_ai_services|embed-multilingual-|textem'
    'bedding-gecko|/v1/chat/completions|ANTHROPIC_AUTH_TOKEN|GOOGLE_GENAI_API_KEY|act'
    'ions/ai-inference|rerank-multilingual-|@google/generative-ai|AWSSDK\\.BedrockRunt'
    'ime|AZURE_OPENAI_ENDPOINT|Amazon\\.BedrockRuntime|bedrock-agent-runtime|router\\.h'
    'uggingface\\.co|@huggingface/inference|HUGGING_FACE_HUB_TOKEN|org\\.springframewor'
    'k\\.ai|software\\.amazon\\.awssdk|AZURE_OPENAI_DEPLOYMENT|Microsoft\\.Extensions\\.AI'
    '|AWS::SageMaker::Endpoint|AWS_BEARER_TOKEN_BEDROCK|AZURE_OPENAI_API_VERSION|HUGG'
    'INGFACEHUB_API_TOKEN|Microsoft\\.SemanticKernel|GOOGLE_GENAI_USE_VERTEXAI|azurerm'
    '_cognitive_account|ghcr\\.io/ggml-org/llama\\.cpp|ghcr\\.io/ggerganov/llama\\.cpp|ap'
    'i-inference\\.huggingface\\.co|azurerm_cognitive_deployment|com\\.microsoft\\.semant'
    'ickernel|models\\.inference\\.ai\\.azure\\.com|generativelanguage\\.googleapis\\.com|A'
    'WS::SageMaker::InferenceComponent|github\\.com/google/generative-ai-go|Microsoft\\'
    '.CognitiveServices/accounts|google-github-actions/run-gemini-cli|huggingface/tex'
    't-generation-inference|ghcr\\.io/huggingface/text-embeddings-inference|github\\.co'
    'm/aws/aws-sdk-go-v2/service/bedrockruntime|github\\.com/aws/aws-sdk-go-v2/service'
    '/bedrockagentruntime'
)
