import jwt

# jwt.io's default example token (public):
EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
SESSION = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjM2RmZTFjZS00MGJlLTJkNDMtZmI2Mi02YWY0MGM0NjZiOTgiLCJpYXQiOjE3NDI2MDY0NTUsImV4cCI6MTc0MjYxMDA1NX0._NLC-Tvlq1_D5PxwSkmRGUoLrTVWBWvMFJ85tLigdB8'

def test_decode():
    assert jwt.decode(SESSION, options={'verify_signature': False})
