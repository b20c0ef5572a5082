"""Clients for every SaaS the back office talks to."""
import os
import requests

stripe.api_key = "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"
endpoint_secret = "whsec_2092f073ff80b9465aef7ac86d66c7a644fb12853ef86dcfaea21818b904ce60"
"X-Shopify-Access-Token": "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"
Authorization: Bearer lin_oauth_f5f1dfd9c9b9f89900715dc1ac1a27df8713e4731de361b43be4de8db4947f39
"refresh_token": "5Aep861PesZ_n8S00K.703poQ31dPgL3WPNiFp5FYg8nENYEiV1vC1pjmqp6aLFMdPwi45YsTDfNd6ONP_s8AzLhm"
client = Client(access_token='EAAAjUrEpcPX5kWPGhMYE_fytqeAN029rHO5WsAJ5ZrXTCnLVSBrfd9bMiBTpVEY', environment='production')
Authorization: Bearer EAAAOHl2pY-h_XQK-JCuZz8vSElR2t9GNcYpUiZIgW-M8PGjdeSPVMHx8XRUdBjO
square_client.access_token = 'sq0atp-qCEaYaE-kQHSncOAYuyuuv'
"client_secret": "sq0csp-mWLDxb8rII1GYXrgupfyKTpZQd9vViN4KCY0sXBKs4l"
gateway = braintree.BraintreeGateway(access_token="access_token$production$z6dzgu8nbluegu14$7fd582ca5b04c16bed33ededc7c11ee9")
config.braintree_private_key = 'eaf170cd7312ec66fb4c32058f3de40b'
"paypalClientSecret": "EVjoTopYNoBm1PrptJ80e3Wz--3X9nvPzbSuSWX57Ts9YPl_DHS0fGiGWFB3ix06X_pDxnNteTu_Q_tC"
adyen.client.xapikey = "AQEmtBG59CQxEHGcxNDiMQAeFlkF4Bf1rVTijXr1DRAWKi8bg/eWi2usiAu/CORrrsOfyErE6VVpIsjxSgpNPxpJ4HlkCcjNxuQnL96S+7eys8d4ZgKufwZBcdo-B/i7dxRbvMfRHV8GOvTs126GQ+Du7KvOEZuRKmaS9oF="
X-API-Key: AQEVWa/ZI/7hlO/9hsdJ4gkJgEZfGyn2Thj+9tLORzB5MqFJMwp8MFfcR8ZiuoHKXNGxHqh30YaH/+CXTfcu/DDpt3O7r==-SxdInQQgdLM7hQnJB+iemg8FKzUE3PYiRgTL1B0E8kh=-BBERAWOJZP78G5
{"access_token": "access-development-ad0ee1e7-6b86-4ce5-b799-acbdce57e407", "item_id": "jgMdDDHJCKb9swBWdeatISkSx1nyTrjwLIGbI"}
processor_token = 'processor-development-a05a558c-4fa5-455a-89cc-d840260accd4'
coinbase_secret = 'LFa9n1PyOkE0QClSW30F7LnPhxkBo65f'
Authorization: SSWS 00vb4DxkzyWO8lMf5_Tl8mHiMRmvQzCp6M4jOAl1ed
Authorization: Bearer ATCTT3xFfGF0VuWC4Iuj6kGpk57a705wQ4rI4-SdM7Cv4BJUKkPhriJ7dM9AbT53gBdj_4lMqCt9HU9Jy3HVAWMOTaITrqwmX_RVPgFoWPMb3NWB5kM8hKdRmkkl7vTlLpjB9vskY3ZKgZopjn81CEBZsSrVb9jk2Th4zX6sbTiOrYB-NYg95swz=913D7D2E
asana.Client.access_token('1/7130369397239110:940f99945398893598ab412ce6318b22')
headers = {"Authorization": "Bearer secret_htCuoWpgiTuVXwe99LOWoHdzIhFr3lO0HpcaNfc5nQ9", "Notion-Version": "2022-06-28"}
dbx = dropbox.Dropbox("sl.u.Afj5gkEL_7AtSGUuR7q4IfFMnihFPD4dE_XVCeTHwUWANb88gxSpsp5nBpWM10wAMhqi3Aq9o6dIV5-MWiXze-Jt0qoU5bEEeI-MX2n3AJQz7EP2IpHPLXae86rX8rNTcnhEViTSulDMN_B8JbQJNGxrbircBK0G_7RMmMju2a3KpR9BH3R3gU_6cI4HjHUdXmMOILKeM9fDhxEHUpJPCjGkCj90mZ2jHcWbxnPtnZsA3dByP_bYbhmaHzpqoFpWR0tSzUO9w5e5pvoRhGrqOv887BztrWZM3L2WIkeB0c2Wd")
dropbox.app_secret = "9wlm78zhffvutvz"
FB_SECRET = '0384a407ba25d32ea6bfd68ae9bcff15'
META_APP_SECRET: c900f76ba4cc2a86cc0bdd96dd22f91c
https://graph.facebook.com/debug_token?access_token=3726577462891244|9oMBGE_bZTFvamZDh8WMZSkZQ9l
Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAYJhnAAAAAAAzs%3DCqbRbSo1nr0QQxtsg9RIVRP2TOMJbtYL3wkSy0Jw0U1ekr4b0dmZ6k086e57
consumer_secret = '39PIkr2NAN9J8OfedKdGRLF6NYurLqgRnUKoOhyPZt7D47TlaE'
X_API_KEY_SECRET: jkLiIV18bSO2eBW8fdFoXC8YSY3tWOGINF6MZCSyWgPdm7hZh4
access_token_secret = '7hyF0OrfyLQS1wlIDzyj7qM87OEIZO1QWIzJI2upeQ7Vf'
x_access_token = '3435163115-96t6hDXLze05yWfpI1ekWE0s1K3qiIOqEboheYAC'
contentful-cli login --management-token CFPAT-sHsK3TbL3-1XGug3NoOpF1NE-QPJqJuCokjHz7-JFpQ
Authorization: Bearer sgp_H5nnnyJzqu4T2FTYowz1U1PzH7d7LolJe3koz39t0Ly9834Zy2aHNVK9sn6kAGHD
headers = {'Authorization': 'pk_993982958_WSGJ26DT6ZYTVLR70BAEYO1Q1HGMD95P'}
https://api.trello.com/1/members/me?key=19195f336135237116c6553b42d9094a&token=ATTAb75f21db1eb641b61734fd6819fb7cbafe5f75f99f292dcbb91a268e13267eb2A3711998
lob = Lob('live_12ca5beff4cbfe53faa0242ba523c497fcc')
Authorization: Bearer access_7fdD13ftENaPlAd2wvq5ene2lmdpiu1BBWfp3olq
Authorization: Bearer FLWSECK-49ef89427b03559e93dac2d9341b4acc-X
client = gocardless_pro.Client(access_token='live_5H3R8-kmmpvePTe8ppLlNQcV5mAeI7tNQjN6BfV3', environment='live')
api = CheckoutSdk.builder().static_keys().secret_key("sk_7o2iewtpcrfhoylvivta7ylj2l#").environment(Environment.production()).build()
STRIPE_KEY = os.environ['STRIPE_SECRET_KEY']
OKTA_TOKEN = os.getenv('OKTA_API_TOKEN')
