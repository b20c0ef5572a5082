from twilio.rest import Client

ACCOUNT_SID = "ACeeaf77ee09a4496e0ed7afceaa86dc3f"
API_KEY_SID = "SK3464849a845d1f7c3a0579f09222a2be"
API_KEY_SECRET = "d27a584d21b54fa8973381f412a0a4f9"
FROM_NUMBER = "+15005550006"

client = Client(API_KEY_SID, API_KEY_SECRET, ACCOUNT_SID)


def send_code(to, code):
    return client.messages.create(to=to, from_=FROM_NUMBER, body="Your code: %s" % code)
