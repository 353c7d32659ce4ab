variable "region" {
  default = "eu-central-1"
}

resource "aws_iam_role" "agent" {
  name               = "claims-agent"
  assume_role_policy = data.aws_iam_policy_document.agent_trust.json
}

resource "aws_bedrockagent_agent" "claims" {
  agent_name              = "claims-triage"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "anthropic.claude-3-5-sonnet-20240620-v1:0"
  instruction             = file("${path.module}/instructions.txt")
}

resource "aws_sagemaker_endpoint" "ranker" {
  name                 = "claims-ranker"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.ranker.name
}

resource "aws_s3_bucket" "claims" {
  bucket = "acme-claims-documents"
}
