"""Social and CRM sync jobs (credentials are fake; the real ones live in the vault)."""
import tweepy
from simple_salesforce import Salesforce

TWITTER_API_KEY = "5SeFS56xs12C4NI7MoDnISXSZ"
TWITTER_API_KEY_SECRET = "9zkABVXNrlWiDB9BH3e3ZGegsWLY6sHFgPYexw88CMyxoW6rtr"
client = tweepy.Client(consumer_key=TWITTER_API_KEY, consumer_secret=TWITTER_API_KEY_SECRET)

FIGMA_OAUTH_TOKEN = "figu_95z8cVQwxjJTYFNzLpeuAqw19qdHv-AWmgPv1bDm"
FIGMA_HEADERS = {"Authorization": "Bearer " + FIGMA_OAUTH_TOKEN}

# JWT bearer flow: the connected app's consumer key and the certificate's key file
SF_CONSUMER_KEY = "3MVG9TQGW1AyQwxndrD.uuVxJQYVDU506B7xcaLT.1Bznb1Lr8.LVLIH5hS4PNxxKc5kkepn7pXvLNxbr0UZE"
# Salesforce's documented example client (from its OAuth guide): not findings
EXAMPLE = "client_id=3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhqKpoW3svG3XHrXDiCQjK1mdgAvhCscA9GE&client_secret=1955279925675241571"
sf = Salesforce(username="sync@acme.example", consumer_key=SF_CONSUMER_KEY, privatekey_file="server.key")
