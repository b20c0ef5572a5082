"""Cloud SDK clients for the billing exporter."""
from aliyunsdkcore.client import AcsClient
from tencentcloud.common import credential

ALIYUN = AcsClient("LTAIgo5vMvoEYSZIwkOjHQjv", "placeholder-secret", "cn-hangzhou")
TENCENT = credential.Credential("AKIDn07xarqnlkc6eg6wsCZxukegQGoTMpcw", "WUdaHN6sFmXv1LgwrQCtviOUWgIYbsHH")

LINODE_IMAGE_DIGEST = "sha256:dbe719454955300a191a082e1704748777c886668b6794e5b63899a6c363ed00"
VULTR_INSTANCE_ID = "e313bba9-a1bd-4bed-af76-b6318e96c15d"
