from twilio.rest import Client

client = Client("ACe1dc1d92144928a4b96765056f7bbdbe", "e6e22689d00efa25739a6cea6ec72433")

def sms(to, body):
    return client.messages.create(to=to, from_="+15005550006", body=body)
