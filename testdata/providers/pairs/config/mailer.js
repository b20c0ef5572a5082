module.exports = {
  host: "smtp.acme.io",
  auth: {
    user: "alerts@acme.io",
    pass: "TpBBkSaX^K^bLX",
  },
};
