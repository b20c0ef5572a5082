#!/bin/sh
# CI: install the billing service's PHP dependencies from Private Packagist.
set -eu
composer config --global --auth http-basic.repo.packagist.com token 9f2c6a1e8b4d0f7a3c5e9b1d7f0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e1b3d
export COMPOSER_AUTH='{"http-basic":{"repo.packagist.com":{"username":"token","password":"packagist_cut_f06877b26babbeea5ac7b6c7604206cc78277826a5e15989225edf73c8b311c56790"}}}'
# vendor customer token, kept in the CI secret store:
composer config --global --auth http-basic.repo.packagist.com token "${PACKAGIST_TOKEN}"
composer install --no-dev --prefer-dist
