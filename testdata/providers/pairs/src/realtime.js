const Pusher = require("pusher");

const pusher = new Pusher({
  appId: "1872232",
  key: "2a7205fffb6148fb44d8",
  secret: "950c612261d5ef8e9182",
  cluster: "eu",
  useTLS: true,
});
