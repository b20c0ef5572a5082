#!/bin/sh
# The docs' example, for reference:
#   kubeadm join 10.20.0.4:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:<hash>
kubeadm join 10.20.0.4:6443 \
  --token yowwrf.45ypu017jn3hxqs6 \
  --discovery-token-ca-cert-hash sha256:3c9e31d27b4734d050e8b3307affc5029b546d74a1e64f3e3e7719b68b31c359
