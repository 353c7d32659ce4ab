# Azure OpenAI for the support assistant, and the storage it writes transcripts to.
resource "azurerm_resource_group" "support" {
  name     = "rg-support-assistant"
  location = "swedencentral"
}

resource "azurerm_cognitive_account" "openai" {
  name                  = "oai-support-prod"
  location              = azurerm_resource_group.support.location
  resource_group_name   = azurerm_resource_group.support.name
  kind                  = "OpenAI"
  sku_name              = "S0"
  custom_subdomain_name = "oai-support-prod"
}

resource "azurerm_cognitive_deployment" "chat" {
  name                 = "chat"
  cognitive_account_id = azurerm_cognitive_account.openai.id
  model {
    format  = "OpenAI"
    name    = "gpt-4o-mini"
    version = "2024-07-18"
  }
  sku {
    name = "Standard"
  }
}

resource "azurerm_storage_account" "transcripts" {
  name                     = "stsupporttranscripts"
  resource_group_name      = azurerm_resource_group.support.name
  location                 = azurerm_resource_group.support.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
