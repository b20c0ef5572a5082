"""Cloud SDK clients for the billing exporter."""
from aliyunsdkcore.client import AcsClient
from tencentcloud.common import credential

ALIYUN = AcsClient("LTAIgo5vMvoEYSZIwkOjHQjv", "placeholder-secret", "cn-hangzhou")
TENCENT = credential.Credential("AKIDn07xarqnlkc6eg6wsCZxukegQGoTMpcw", "WUdaHN6sFmXv1LgwrQCtviOUWgIYbsHH")

LINODE_IMAGE_DIGEST = "sha256:dbe719454955300a191a082e1704748777c886668b6794e5b63899a6c363ed00"
VULTR_INSTANCE_ID = "e313bba9-a1bd-4bed-af76-b6318e96c15d"
IBM_AUTH = IAMAuthenticator("4gnKvK6UhwvAqgsiW8qqCUgUwqRXDioZCKfhta6TjJiu")
HCLOUD = hcloud.Client(token="JMEhBY5iyJayg8h0ie42KAFoXFBxfPBbg9GdGAjZdEcRtlgyJUZQ6bQvlX9xyT5x")
ALIYUN_PROD = AcsClient("LTAI5tEYklV2o2xo99gPgF3f", "pI1W9ycPxL4wK2qitdYEbbSol13z5C", "cn-shanghai")
DIGITALOCEAN = digitalocean.Manager(token="03211b265896d7c66d5acfc1a1b99203ec8044f5aa8de9b784a6d6923ab63821")
IBM_DOCS = IAMAuthenticator("{apikey}")
