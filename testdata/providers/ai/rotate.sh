#!/usr/bin/env bash
# Rotate the agent's provider credentials after the March incident (runbook step 4).
set -euo pipefail
export WANDB_API_KEY=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
export WANDB_API_KEY_OLD=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   # truncated copy from the ticket
curl -fsS https://controller.us-west1-gcp.pinecone.io/databases -H "Api-Key: ce9587cc-b46f-48e9-abc5-82686ba12ef1"
curl -fsS https://c3f1a2.eu-central.aws.cloud.qdrant.io:6333/collections --header "api-key: 051b9333-7a07-4144-b34a-24503e6ec359|35uxTpzNsR8TfyrmtFxSwvWw8Bl-ljRpI4ivuDMe"
export WCD_API_KEY=5GZ9A8u0i73ySEPNgOCLOXyIHX1cJv3z9LXlDNFb9WVRZcGx
export ANTHROPIC_API_KEY_STAGING=sk-ant-api03-T0i0bcfaCDKCpzWxYgb3NQOyOspsZrWdMhj0PhAqrCXo2hfx-nQRE2eFKET2SvcXIhFHnL3LTRkt4nmvoxH6r0NZuY5ZOfAA
export XAI_API_KEY_STAGING=xai-dKFzsPcQ6aPQPvZusa8hwxGnuKNhoiHcPGi2qij4LKsP36jlAROxsHrDyYMaVG7w6u6DBBdee5cnkoaWI
export PERPLEXITY_API_KEY_STAGING=pplx-YvkEojneG8k7P07B8IhyjPfUEDdSjxqExmCG7FEn2Uo6yBOxI
export HF_TOKEN_STAGING=hf_MEjXTMAUeEaeabqkomDRfAXQuReloHUVzEM
