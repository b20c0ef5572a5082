"""Signing key for the local identity provider."""

SIGNING_KEY = {'kty': 'EC', 'crv': 'P-256', 'x': 'gtc_EhStQW7dVzKAjvoUfjYXhwSRiDx4PVUqpHAEzhn', 'y': 'jfRh51XVmCLdU8bw6HpUvQUX6RYcZV-gslxhbBZLEiQ', 'd': '5R_Zzm-d5rg6pt-OhFQdr7aLTnZf5Su8GQt8R4pAAS8'}
PUBLIC_KEY = {'kty': 'EC', 'crv': 'P-256', 'x': 'shq1u_TuUyHLbUEsMvRvkNw4mFjVP-a2w0nh4IfIDmq', 'y': 'h6ZcrDvTW1dIb1It6B71THtCrTdUuWfuwbAsePL42iV'}
