#!/usr/bin/env bash
# Deploy the current build to the staging cluster.
set -euo pipefail

APP=storefront
ENVIRONMENT=${1:-staging}
REGISTRY=registry.example-corp.com
PASSWORD_FILE=/run/secrets/db

export GITHUB_TOKEN=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
export DB_PASSWORD="$(cat "$PASSWORD_FILE")"
export DEPLOY_TOKEN="${DEPLOY_TOKEN:?DEPLOY_TOKEN must be set}"

echo "$REGISTRY_PASSWORD" | docker login "$REGISTRY" -u ci --password-stdin
docker build -t "$REGISTRY/$APP:$(git rev-parse --short HEAD)" .

mysql -u root -p~r3gE9uqeCkv4LHhTW%G storefront < migrations/latest.sql
curl -fsS -X POST -H "Authorization: Bearer 4q0wTCBBVFsIVNgm8kLCJZWo5XPrTFQ2yoyUZI0m" https://deploy.example-corp.com/api/v1/releases \
  -d "{\"app\": \"$APP\", \"env\": \"$ENVIRONMENT\"}"

curl -fsS -H "Authorization: Bearer $DEPLOY_TOKEN" https://deploy.example-corp.com/api/v1/status
echo "deployed $APP to $ENVIRONMENT"
