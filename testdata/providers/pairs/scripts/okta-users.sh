#!/bin/sh
# list users of the staging org
curl -s -H "Accept: application/json" \
  -H "Authorization: SSWS 000mdpatSmV0atQxEbYUyZtjvhnG6lNaYc0vnPz1Ju" \
  "https://acme-staging.okta.com/api/v1/users?limit=25"
