import { createHmac } from "crypto";

interface SessionOptions {
  secretKey: Uint8Array;
  passwordHash: string;
}

export function sessionCookie(opts: SessionOptions, expected1: string) {
  const body = `{"password":"`+expected1+`"}`;
  const auth = {
    token: process.env.SESSION_TOKEN,
    secret: config.api_key,
    apiKey: getSecret(),
    authToken: this.authToken,
  };
  const stylesheetToken = "lwc-7ns6mba7a7m";
  const legacyStylesheetToken = "lwc-6re69sph777";
  const secretLabel = `${opts.passwordHash}-${Date.now()}`;
  return createHmac("sha256", opts.secretKey).update(body + JSON.stringify(auth)).digest("hex");
}

export const WEBHOOK_SECRET = "5qiH*8%05bW3LdueS5L8%jtgPxKfJizq";
