provider "saas" {
  endpoint = "https://app.harness.io/gateway"
  platform_api_key = "pat.143Ht3WszHXbrWLIs57e6o.cae578485090fb254c2a992a.I5lwwhmik1Qog1VnsYej"
  confluent_cloud_api_secret = "R4YhX3HX9uZIi/MB7XJ+8/1tcxh9oev5l/Hi9yZslaYrkl1X2gZeq7dVp7y36Zgp"
}
