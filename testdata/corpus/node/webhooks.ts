import amqp from "amqplib";

const host = process.env.MQ_HOST ?? "localhost";
const brokerUrl = `amqp://app:mlzl@${host}:5672`;
const cacheUrl = `redis://:${process.env.REDIS_PASSWORD}@${host}:6379`;

export const adminLogin = {
  username: "ops",
  password: process.env.ADMIN_PASSWORD,
};

export const fixtureUser = { username: "fixture", password: "epycmwh" };
const cannedResponse = "{\"access_token\":\"lhnerRdImts6jn87u4pw0E9LTxMWRW5r\",\"token_type\":\"bearer\"}";

export interface Credentials {
  username: string;
  password?: string;
}
