#!/usr/bin/env bash
set -euo pipefail
wandb login 5aba80b2d00eaeba1e94c8139d236e35b39a6261
wandb login "$(cat ~/.keys/wandb)"
python train.py --config configs/sft.yaml
