# Omnibus settings for the self-managed instance (excerpt).
gitlab_rails['incoming_email_enabled'] = true
gitlab_rails['incoming_email_address'] = "incoming+%{key}@acme.dev"
# The per-user address used by the support desk integration:
support_inbox = "incoming+acme-api-42-glimt-IIbKopqYK_EsqbydEorkQb3zK-issue@acme.dev"
gitlab_rails['omniauth_providers'] = [
  {
    name: "gitlab",
    app_id: "f65fbea08ae726bd91cdf87622ecb5026a8a154b016111f1f229cc11d4f1e511",
    app_secret: "gloas-44b9b984746146ebffdf307f81088f254887d8e29e45d5228bb4ff285771080c",
    args: { scope: "read_user" }
  }
]
# SCIM provisioning token for the Okta app
scim_token = "glsoat-p8-MO-tfDnzt5ZvMVQJw"
