import weaviate
from weaviate.classes.init import Auth

client = weaviate.connect_to_weaviate_cloud(
    cluster_url="https://rag-prod.c0.europe-west3.gcp.weaviate.cloud",
    auth_credentials=Auth.api_key("3l1kTNZPjfBGvJfy7OKvcEiz2HY3Jp6VLCKI1ld7"),
)
