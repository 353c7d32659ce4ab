# Text analytics and document reading: Cognitive Services, but no language model.
resource "azurerm_cognitive_account" "language" {
  name                = "lang-support-prod"
  location            = "westeurope"
  resource_group_name = "rg-support"
  kind                = "TextAnalytics"
  sku_name            = "S"
}

resource "azurerm_cognitive_account" "forms" {
  name                = "forms-support-prod"
  location            = "westeurope"
  resource_group_name = "rg-support"
  kind                = "FormRecognizer" # not "OpenAI"
  sku_name            = "S0"
}
