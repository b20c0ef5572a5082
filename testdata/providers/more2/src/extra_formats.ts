// Values assembled for the corpus: every one fake, in the shapes the providers issue.
const TEAMS_FLOW = "https://defaultfe4405877429a151b7f61468546cfc.cv.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/42cf38b6f207094afb7bde3205979d41/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Ava1v6ZXiKd0p_8YQkdTwuQpz9P_SqzSfl7RdV7H-UD";
const telnyxConfig = { "apiKey": "KEY01983B8F76A2515DA08BCBE24839A405_FeG4A6xGbBXXswEJknEJCH" };
const headers = { Authorization: `Bearer KEY0193CBC780EE31049E77C3B875CD79C7_deOugDQHxKbbkJFotQPw0m` };
const iam = "t1.9euelZSAQ-5zwTdeiAyajrpTjFgjLhLE1svfmXhngkDzxZiLZMXNojWNK3a3Rb3Z9aLI7iJPFZU-WR-zkLhEEYtMZuZsj5pyXx90khr2AvRoC62bwkeaXKnSGjLAT41YwGYKAOoNPsh5n04VWm.DJYknyrBddSteQ9CAEzJnXzFfBG1xsyoKpnjSUy8bG5_yCAvHkABgxOtsy_f1SEAv2wWxrG43pVXwd4UM00n5g";
const bars = await fetch("https://api.massive.com/v2/aggs/ticker/AAPL/prev?apiKey=CSlCX8nppGZj7xGBV8FOtVkBaDOcWSGJ");
const alchemy = new Alchemy({ apiKey: "bg1Ii6xZGyWYDg2EANVhTA1UdNmDXZfX", network: Network.ETH_MAINNET });
const redis = new Redis({ url: "https://eu1-brave-owl-31207.upstash.io", token: "AX5ebawt33x1uanh7ovUwsTpL5ZE93uV0wBPbDrxUvECmXxk4tCycaDEq2oM" });
const dn = new DefinedClient({ apiKey: "dnkey-9omvl1rnmv9pva3biwiw1otns1-0yb7utamok25zp2h8gqnjk6g8rm1icxvcjsedjae6rez6ri0hsoy" });
const voices = await fetch("https://api.cartesia.ai/voices", { headers: { "X-API-Key": "sk_car_E1q43cb59uwh5qB7eLLB6c" } });
// near misses: none of these is reported
const shape = { polygonKey: polygon.key, polygonPoints: 12 };
const version = t1.o9x;
const keyframeId = "KEYF89CA8897E8747CF3462B881DE8704F6_8L3juBtl6adsUzNOfU6TWA".toLowerCase();
const cartesiaLong = "sk_car_K6QEaFrBSugjEs02g148QCs9nG";
const upstashUrl = process.env.UPSTASH_REDIS_REST_URL; // token comes from the environment
// Harness tokens from before the account id was added: pat.<token id>.<secret>
const harnessHeaders = { 'x-api-key': 'pat.9bc432e204fa715974874854.c3BJ5X3NBEJUlDBe3USk' };
