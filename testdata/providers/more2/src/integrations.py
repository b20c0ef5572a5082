"""Clients for the third-party services the worker talks to."""
import requests

client = KlaviyoAPI("pk_0b656a4d2bad821df997d529975dcb6de0", max_delay=60, max_retries=3)
telnyx.api_key = "KEYE9ABA45EE6EBC57F4590641E1F037860_QzE4ftUvXQIChPnlnhG2Bq"
sdk = YCloudML(folder_id="b1g2pmhl5bn4u8s5bvbl", auth="AQVNJm7R04ZhbGSdGWoZ6axl7KBGgMVGOYn7B3-5")
aio = Client("maker_jo", "aio_rV67xnHWph84nyQKq84ZS0XMgNqv")
requests.post("https://contoso.webhook.office.com/webhookb2/eb564578-64fb-41d9-9e6e-ab9fc1a04921@65efde26-c950-4b31-83a3-7cfaf5901d3d/IncomingWebhook/47c3ee38ae14e8496f2facd5ab3b46f9/6a1f038f-c69c-4b9b-8589-5ab26e1fd2bd/V2PNgqWbch2QUxxjY-oXqUj-22nRe40JZ_bYZ-w65n", json={"text": "deploy done"})
WEBHOOK_URL = "https://chat.googleapis.com/v1/spaces/AAAASrE83he/messages?key=AIzaSyo7nE855LEAwm4c0hwskCM354g1vNQJ0tb&token=piWVL2vavMDBfCMfUoupSgLg91bUQ5u6ADVTN3lFuKk%3D"
DING_URL = "https://oapi.dingtalk.com/robot/send?access_token=0ae57c6105d97dc37e1dddf3e73f482bb56f0cab1d643b500803cb98dc935dea"
w3 = Web3(Web3.HTTPProvider("https://mainnet.infura.io/v3/e255e8e20ecf8a4f09d0285c8b974c55"))
sendbird_client = SendbirdClient(app_id=APP_ID, api_token="a02e895204fe4dc076fba735951a942bed6734be")
headers = {"X-RapidAPI-Key": "3f84ed9e7fmsh2baf78d26c9730bp12662a8jsn1f9ee872172", "X-RapidAPI-Host": "weatherapi-com.p.rapidapi.com"}
ALPACA_SECRET_KEY = "MMKM6SKcfv2oAwKKhWVkYfZIf1JE2nT5dyDlK3i3"
fauna_key = "fnDQRYmmYctWjZ4h2FMmQXsnKQeJabsXJ3GE-bT_"
client = StreamChat(api_key=STREAM_KEY, api_secret="2yl35oh5vm8o8ej691n5xxpgm0e2x525ksxy5oqymhjojrcxzjub6c4n3ldh1px8")
beams_client = PushNotifications(instance_id="2d8b3f6a-0c1e-4b9d-8a7f-5e4c3b2a1f0e", secret_key="49B650AA6CA11F418B67AE162BD6EC1EBF5863B041B4071DD134CDBCF3ED6276")
line_channel_secret = "fbadb341bfeea32992d177fb08df2180"
chargebee_key = "test_7KrrcR8Y4gD7KUUsfYhpUTC8wPSpr1GDkp"
recurly_private_key = "a1c9599b6b85ab3ba29d29b73d20e3f1"
CLIENT_SECRET = "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"
client = Cartesia(api_key="sk_car_QCH4wiy9VqdE7czJpkymNU")
