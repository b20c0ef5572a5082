const jwt = require('jsonwebtoken');
const express = require('express');

const router = express.Router();

const JWT_SECRET = 'Os92Attpu74YHl1WZ3ux2r-vM!V';
const TOKEN_EXPIRY = 3600;
const tokenType = 'Bearer';

// service token used by the nightly job
const SERVICE_TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1NDQ0NjAiLCJuYW1lIjoic3ZjLWJpbGxpbmciLCJpYXQiOjE3MDcyNjAxODB9.0m8kvm-W8mdAd3Vss1mMN7QoIQH1YUDml66yBGQAd7x';

function login(username, password) {
  if (!password || password.length < 12) {
    return null;
  }
  return jwt.sign({ sub: username }, JWT_SECRET, { expiresIn: TOKEN_EXPIRY });
}

router.post('/login', (req, res) => {
  const { username, password } = req.body;
  const token = login(username, password);
  if (!token) return res.status(401).json({ error: 'invalid_credentials' });
  res.json({ access_token: token, token_type: tokenType, expires_in: TOKEN_EXPIRY });
});

router.get('/health', (req, res) => res.json({ ok: true, requestId: req.headers['x-request-id'] }));

module.exports = { router, login, SERVICE_TOKEN };
