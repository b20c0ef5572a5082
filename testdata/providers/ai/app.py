"""Research agent entry point: wires the model, tools and tracing."""
import os

import assemblyai as aai
from mistralai import Mistral
from openai import OpenAI
from tavily import TavilyClient

openai_client = OpenAI(api_key="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")
org_client = OpenAI(api_key="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")
mistral = Mistral(api_key="MytBZcHnniUEHw4KoeJsBurqdy5N61Z0")
deepseek = OpenAI(api_key="sk-3a8a38eeab9696bb95a917243cd19556", base_url="https://api.deepseek.com")
fireworks.client.api_key = "fw_jkQexCtZpygc3k8yn7gff52B"
aai.settings.api_key = "84ad7887de398bd6ca2ddcd8b9b28b06"
pc = Pinecone(api_key="pcsk_szZUwz_fhcxCshekPk8D8bwHE94goLLZThyE85pzJKKZsXdB1LRBiQfGxXZDA5PPQCqqxp")
os.environ["LANGCHAIN_API_KEY"] = "ls__3061f1680d60d4577237a150d75d7368"
tavily = TavilyClient(api_key="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")
SEARCH_URL = "https://serpapi.com/search.json?engine=google&api_key=853631a1a487291379dbddcb50b5d5b1a84171c2dac2bb6c91a1d3de98244e59"
parser = LlamaParse(api_key="llx-YuWc6OU8bi4RycJmgs5nmhsjcaTc1VcYPYN1UkJUJMEkkY0G")
helicone = OpenAI(base_url="https://oai.helicone.ai/v1", default_headers={"Helicone-Auth": "Bearer sk-helicone-22vija1-e0gor9s-5q9xprq-ag4bq4o"})
exa_key = os.environ["EXA_API_KEY"]
tavily_demo = TavilyClient(api_key="tvly-YOUR_API_KEY")
HF_HUB = "hf_hub_download"
