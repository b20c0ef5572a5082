'use strict';

const path = require('path');

module.exports = {
  port: process.env.PORT || 3000,
  env: process.env.NODE_ENV || 'development',
  db: {
    host: process.env.DB_HOST || 'localhost',
    user: process.env.DB_USER,
    password: process.env.DB_PASSWORD,
  },
  stripe: {
    publishableKey: 'pk_live_PK8Mc3MmCsbNttWxTkwCjZkr',
    secretKey: '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',
    webhookTolerance: 300,
  },
  maps: {
    apiKey: 'oVDkz63^2E3dAWdao+',
  },
  session: {
    secret: process.env.SESSION_SECRET,
    maxAge: 3600 * 1000,
  },
  upload: {
    dir: path.join(__dirname, 'uploads'),
    apiKey: process.env.API_KEY,
  },
};
