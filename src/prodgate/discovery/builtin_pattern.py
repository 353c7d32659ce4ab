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
    'x\\.ai|catboost|claude-2|claude-3|claude-4|dall-e-2|dall-e-3|gemini-1|gemini-2|ge'
    'mini-3|guidance|haystack|lightgbm|llama-2-|pixtral-|together|vertexai|anthropic|'
    'codellama|com\\.azure|command-r|diffusers|grok-beta|langchain|langgraph|langsmith'
    '|llama_cpp|mistralai|replicate|sagemaker|whisper-1|CO_API_KEY|aiplatform|chat-bi'
    'son|codestral-|command-a-|gemini-exp|gemini-pro|instructor|llamaindex|meta\\.llam'
    'a|ministral-|o1-preview|smolagents|tensorflow|text-bison|OLLAMA_HOST|XAI_API_KEY'
    '|babbage-002|claude-opus|davinci-002|deepseek-r1|deepseek-v3|gpt-image-1|llama-i'
    'ndex|llama_index|meta-llama/|onnxruntime|pydantic-ai|pydantic_ai|GROQ_API_KEY|Mi'
    'crosoft\\.ML|amazon\\.nova-|claude-haiku|gemini-flash|gemini-ultra|generativeai|mi'
    'stral-tiny|scikit-learn|scikit_learn|transformers|0\\.0\\.0\\.0:11434|Anthropic\\.SD'
    'K|OPENAI_ORG_ID|amazon\\.titan-|claude-sonnet|command-light|deepseek-chat|mistral'
    '-embed|mistral-large|mistral-small|open-mistral-|open-mixtral-|openrouter\\.ai|/v'
    '1/embeddings|COHERE_API_KEY|GEMINI_API_KEY|OPENAI_API_KEY|api\\.mistral\\.ai|claud'
    'e-instant|deepseek-coder|embed-english-|mistral-medium|/v1/completions|127\\.0\\.0'
    '\\.1:11434|MISTRAL_API_KEY|OPENAI_BASE_URL|bedrock-runtime|command-nightly|huggin'
    'gface-hub|huggingface_hub|localhost:11434|rerank-english-|semantic-kernel|semant'
    'ic_kernel|DEEPSEEK_API_KEY|TOGETHER_API_KEY|api\\.deepseek\\.com|com\\.google\\.clou'
    'd|llama-cpp-python|text-embedding-3|ANTHROPIC_API_KEY|LANGCHAIN_API_KEY|LANGSMIT'
    'H_API_KEY|api\\.perplexity\\.ai|deepseek-reasoner|OPENROUTER_API_KEY|PERPLEXITY_AP'
    'I_KEY|text-embedding-004|text-embedding-ada|REPLICATE_API_TOKEN|embed-multilingu'
    'al-|textembedding-gecko|/v1/chat/completions|GOOGLE_GENAI_API_KEY|rerank-multili'
    'ngual-|@google/generative-ai|AWSSDK\\.BedrockRuntime|AZURE_OPENAI_ENDPOINT|Amazon'
    '\\.BedrockRuntime|bedrock-agent-runtime|router\\.huggingface\\.co|@huggingface/infe'
    'rence|HUGGING_FACE_HUB_TOKEN|org\\.springframework\\.ai|software\\.amazon\\.awssdk|A'
    'ZURE_OPENAI_DEPLOYMENT|Microsoft\\.Extensions\\.AI|HUGGINGFACEHUB_API_TOKEN|Micros'
    'oft\\.SemanticKernel|api-inference\\.huggingface\\.co|com\\.microsoft\\.semantickerne'
    'l|generativelanguage\\.googleapis\\.com|github\\.com/google/generative-ai-go|github'
    '\\.com/aws/aws-sdk-go-v2/service/bedrockruntime|github\\.com/aws/aws-sdk-go-v2/ser'
    'vice/bedrockagentruntime'
)
