#!/bin/sh
# On-call smoke test: page, mail and text the team from CI (values are fake).
set -eu

# PagerDuty REST API, as its API reference shows it
curl -s -H "Authorization: Token token=XyQT0OyBkJj5c9YTBWea" https://api.pagerduty.com/incidents
# PagerDuty's documented sample key: not a finding
curl -s -H "Authorization: Token token=y_NbAkKc66ryYTWUXYEu" https://api.pagerduty.com/users
curl -s -X POST https://events.pagerduty.com/v2/enqueue -d '{"routing_key": "72bf84431ab2d381532a44acccbbe863", "event_action": "trigger"}'
curl -s -X POST https://events.pagerduty.com/v2/enqueue -H "X-Routing-Key: ee5a6bf857703a1523f599c3b68b4c18" -d @event.json

# Bugsnag build API
curl -s https://build.bugsnag.com -H "Bugsnag-Api-Key: e82ca10da31b7c9d81b6726b59dd5cb8" -d @build.json

# SparkPost: the key is the whole Authorization header; the docs' example key is not a finding
curl -s -H "Authorization: 77e01b2dd2ca791df752ab09625c4c8f3f1dab89" https://api.sparkpost.com/api/v1/account
curl -s -H "Authorization: 14ac5499cfdd2bb2859e4476d2e5b1d2bad079bf" https://api.sparkpost.com/api/v1/account

# Mailjet send API with a literal key pair
curl -s -X POST --user "bba715cd62d8851b3b5ef5ed9d740c92:a703e9eeeab2b64f01e318fb979f2e30" https://api.mailjet.com/v3.1/send -d @mail.json
curl -s -X POST --user "$MJ_APIKEY_PUBLIC:$MJ_APIKEY_PRIVATE" https://api.mailjet.com/v3.1/send -d @mail.json

# MessageBird: a live key, a test key, and the docs' example test key
curl -s https://rest.messagebird.com/balance -H "Authorization: AccessKey wTnluEqHXUiGokd0W67x8txQc"
curl -s https://rest.messagebird.com/balance -H "Authorization: AccessKey test_2EjZsYp6q1pTt2oK6HYTizT7D"
curl -s https://rest.messagebird.com/balance -H "Authorization: AccessKey test_gshuPaZoeEG6ovbc8M79w0QyM"

# Plivo with its auth ID as the user name
curl -s -u MA9N5WVMZ7GSWIZUG9QO:Vb1RvdOMts5TbxL9OuAfXtDHyx3CVpuCnW0y03UD https://api.plivo.com/v1/Account/
# Zendesk's documented example token: not a finding
curl -s https://acme.zendesk.com/api/v2/users.json -u jdoe@example.com/token:6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv

# Sumo Logic search API with an access ID and key; Lightstep via its launcher variable
curl -s -u "suiEEXjJXNQnvm:ljOusY5dr4cdYYbsBDdQj1ZuGMiJhV1zE6dm9wfz65zOjArH8SH6nBnZgya3EXu3" https://api.sumologic.com/api/v1/collectors
export LS_ACCESS_TOKEN=uUHgv1x+Fu/1MF4Inw6iQlu7ndFkkyKM8KtZsBPJ3AoIeCT3Cy/zY9Kwghl1CoK+saDh/bRSwZQp93nl7gm+
export LS_ACCESS_TOKEN=<YOUR_TOKEN>
