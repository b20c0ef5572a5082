#!/usr/bin/env bash
# Local development bootstrap. Uses throwaway defaults only.
set -euo pipefail

: "${POSTGRES_PASSWORD:=postgres}"
: "${ADMIN_PASSWORD:=changeme}"
export DATABASE_URL="postgres://${USER}:${PASS}@db/app"
export REDIS_URL=redis://localhost:6379/0
export API_KEY=YOUR_API_KEY_HERE
export OPENAI_API_KEY="<your-api-key>"
export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

read -r -s -p "Password: " PASSWORD
echo
psql "postgres://user@localhost/db" -c "select 1"
mysql -u root -p"$PASSWORD" -e "create database if not exists app"
docker run -d --name pg -e POSTGRES_PASSWORD="$POSTGRES_PASSWORD" postgres:16
git checkout fee97653e0d154279dee1d59a8d4032cb9d50597
echo "bootstrap complete (request_id=61791b35-3b19-4fd0-8ae5-e67bb9d27592)"
