#!/usr/bin/env bash
# Release script: builds the image, pushes it, and tells every system about the release.
set -euo pipefail

echo dckr_oat_qmecnNManN2kRJTTYf-iYeFzOcXy-cua | docker login -u acme --password-stdin
docker push acme/api:"$VERSION"

# Vault: the release job reads the signing key with a batch token from the CI role.
vault kv get -token=hvb.AAAAAQTsIcqFQo9Fsfmbb-E6yb8Ar3KNvVZPd4i7sKVymQiPpmLNsdchaMV1N76lfCWKSp6JAd-lJmP_4LcB35TzRhVs4LBWGRV3lhKUW0mv95OPyfDNRCe6SOY4bu3ncA0fI8Dene secret/release/signing
# Break-glass path, only during an outage:
#   curl -H "X-Vault-Token: hvr.mJOjLrkvIwlV7JUkE8gdjQC2" https://vault.acme.internal:8200/v1/sys/raw/logical
curl -sf -H "X-Vault-Token: s.hVPXiTTNl7RORal4A68oF7pC" https://vault.acme.internal:8200/v1/secret/api >/dev/null

# Azure DevOps mirror (old PAT, rotates in Q3)
git push https://build:xk3fout4hmjqfqbfk3sdwb3ae2itgciqq7urhv2f3bpg3twjyxdp@dev.azure.com/contoso/web/_git/web HEAD:main
# Bitbucket mirror
git push https://x-token-auth:ATCTT3xFfGN0Xf1Whbb6R2EAA-S4gG1PhgQUryIY1D88gDZuQri6byqOll0MUgaCIFeB5EaNaE74SbsHgOaaqcDZaahF6d_IGrsX9K9lZwteah5BAckZkFD6FbA_8zYv_wd29lNcfYFBBkTf6FJ7yadYEoYqE4I_ecHjkzrP_yy3rRsv_TqaqY=99B41F06@bitbucket.org/acme/api.git HEAD:main

# Jenkins downstream job
curl -X POST -u deploy:11d8812d6e3893207e65748c4ec5072142 https://jenkins.acme.internal/job/smoke-tests/build

# Sonar quality gate
sonar-scanner -Dsonar.projectKey=acme_api -Dsonar.login=sqp_88e81aa815c571eb822363eb135f21d0ab3e4695

snyk auth c0bd9c84-51f7-4804-9bc6-5fdd822d4167
snyk test --all-projects

pulumi login --access-token pul-bcc3350a106e6c97fbde1d336f1e95e860f90caa
pulumi up --yes --stack prod

infisical export --env=prod --token=st.210859b4a1e5cf17f37fc294.09bc2cca3b5253afad64002ba168275c.ae004b4ca016d363904ffcb1911c12eb > .env.prod
op account add --address acme.1password.com --email ops@acme.dev --secret-key A3-8S04M4-LB3LIH-S9NIA-X8WYR-10JZ1-62PEH

# Near misses: references and placeholders only.
docker login -u acme -p "$DOCKERHUB_TOKEN"
vault login -method=oidc
curl -H "X-Vault-Token: $VAULT_TOKEN" https://vault.acme.internal:8200/v1/sys/health
