#!/bin/sh
# Basic credentials: decoded, the password is judged; placeholders are not findings.
curl -fsS -H "Authorization: Basic ZGVwbG95OlZxOCNMbTJ4Wjl0Ug==" https://ci.acme.internal/api/jobs
curl -fsS -H "Authorization: Basic dXNlcjpwYXNzd29yZA==" https://ci.acme.internal/api/jobs
curl -fsS -H "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" https://example.com/
curl -fsS -H "Authorization: Basic $CI_BASIC_AUTH" https://ci.acme.internal/api/jobs
echo ZXhwb3J0IEdJVEhVQl9UT0tFTj1naHBfUjhmS3EyTG1aN3hXNHZUOW5CM2NZNmhKMWRTNWdQM3RiUVds | base64 -d > /tmp/env
