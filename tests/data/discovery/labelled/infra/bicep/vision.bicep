// Image tagging for the asset library: Computer Vision, not a language model.
resource vision 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'cv-assets'
  location: 'westeurope'
  kind: 'ComputerVision'
  sku: {
    name: 'S1'
  }
}
