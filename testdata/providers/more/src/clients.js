'use strict';
// Clients for the third-party services the worker talks to.

const duffel = new Duffel({ token: "duffel_live_uXm_Lc6HWLL0_hW7h_8IQ160T0DImohWwrfWFqGUMGn" })
const resend = new Resend('re_IAFKpwRI_AQKZJx0sWSoGFkBtW2p1m3QW');
new Inngest({ id: "app", signingKey: "signkey-branch-6c9d73631d420c60cc302fcd84f6afe90441c9336f9a9b9db08abeabf1b4f450" })
const xata = new XataClient({ apiKey: "xau_ldsjEHkUGl1IgfKa9Xg15kT6FQp9TDSYz" })
const paddle = new Paddle('pdl_live_apikey_01xsowd32qlemwkjyxumu4gd1d_KpVq5aXgVYZemoEAiYg26r_gT8')
const unkey = new Unkey({ rootKey: "unkey_vPDnQP3JS87qughuD8Z2iwqf" })
