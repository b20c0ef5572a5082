#!/usr/bin/env bash
# Smoke-test every integration after a deploy.
set -euo pipefail

curl https://api.stripe.com/v1/charges -u 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:
curl https://na1.salesforce.com/services/data/v60.0/ -H "Authorization: Bearer 00DfWD42sZboHdIkKs!AR9c2iNkQkJnOkdsm2FC.R6YSRQr_.jf0SaWl7dUbo11sFuWvPAX2LJh8NoMtwh6c9eOnzxTBE8C4xJZwN9H.ZRl9CZgBrXH"
curl -H "Authorization: SSWS 00Z9cdUa4ud1mZ-mSXIXsM7gg8qWavIs_oN3aQCWJ9" https://dev-123456.okta.com/api/v1/users
curl -u me@corp.com:ATATT3xFfGF0KCLl5az5j6uTV4Ko8a2PyIRfE_SK-u4DA4D2SI78wEQUG33-GHW4YZ2s3DtylTpbgJdw-n7cvPbgYO8_EneE8VU9o129Czu__IDhlEhxQYnDbHeQE96zwGkneokfdzH5Ps7D4z3FcnqkCxGKaV35Hb-ZHpZP0OiTYCTa9Ms6G4=C07ADDB3 https://corp.atlassian.net/rest/api/3/myself
curl https://api.airtable.com/v0/meta/whoami -H "Authorization: Bearer patH4f9veoMO8PxOq.02635b5e5b497b00b1c83fbc8897a2f3f6c61013e31bf2620307460704eca2a1"
curl -H "X-Figma-Token: figd_I2l40DnOehcLhPZ0i9-Re7uiDducSc8WoXpCET03imE" https://api.figma.com/v1/me
curl "https://graph.facebook.com/v19.0/me?access_token=EAABTHPLVF5xo4Mrc6nxuAV1WolZQvazqJsPCU2yJyPleOlvDYocbW0kx310YwAgln4nzaZFb2a7JMDFJ8131kiq9iDZE5jUpJlErcIUq2rHhkeV6fCjChiBTayYtcrszFvDhTIKtS3eslrZEmA5gFi4dIdPPB9SLwmUNFFssFZBqZtCcPpR7KEiUeFpqiwaG5tHG3bWyehh"
curl -u rzp_live_COf0eg2I6k9cU5:N6GhHnuV30Dr6FxHpFOoT8F9 https://api.razorpay.com/v1/payments
