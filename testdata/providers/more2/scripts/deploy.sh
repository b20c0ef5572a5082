#!/usr/bin/env bash
# Deploy helper: pushes the build, then pings the team channels.
set -euo pipefail

geoipupdate -v --license-key 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
curl -H "Authorization: Klaviyo-API-Key pk_703b4ab7ed013e50181d960e9558c1530a" -H "revision: 2024-10-15" https://a.klaviyo.com/api/lists/
curl -H "Authorization: Bearer KEYB6DA25A43A846EB31E7EA468C6414CE9_TNAveadCL8Sby90WIJSbUG" https://api.telnyx.com/v2/balance
curl -H "Authorization: Bearer p.eyJ1IjogIjgxYzc4YTUxLWM4N2EtNGQ0MC05MWU0LTE3MjMwYzBhNjZiMCIsICJpZCI6ICJlZmUwNmJmMy03YjA2LTRiNzctOTI5Zi0xMjJjZTU5MDgyMjMiLCAiaG9zdCI6ICJnY3AtZXVyb3BlLXdlc3QzIn0.DYpQaxEN-cNljiRkV71kDRuIr2jhTxs-OHKDpnJh_rg" https://api.tinybird.co/v0/pipes/top_pages.json
deployctl deploy --project=hello-world --token=ddp_8xxo3GI0uoV6vGTFN4g3AfCK9eVGViflxutn main.ts
infracost configure set api_key ico-kRgRsaITgqLpaKoJceXBH42IkQFU960m
curl -H "Authorization: Api-Key AQVNYj-loHI3Yhc1OxT_8QY4_3BMDogiSTRIiP9L" https://llm.api.cloud.yandex.net/foundationModels/v1/completion
curl -H "Authorization: Bearer t1.L-Smo927U2aT1yVPMm5nYtffRcvy0Dxo5pCJFz2B30M8KVM-w8MDaD3vSS1M==.mn7qOiqh1yudML66YbgqaD7XBPgUbqr2RbwXOq43IedbtWe27WH77hBlyqz_9PNldsWhXK64VtGHZA2PQLUD_W" https://resource-manager.api.cloud.yandex.net/resource-manager/v1/clouds
curl -H "x-api-key: pat.2HeujLQTDk8LBXP1Vim4sp.ea93ff69b5257313aee99add.KmzBoZdxRZrqPta3vYNm" https://app.harness.io/ng/api/user/currentUser
curl -H "X-AIO-Key: 67b74c68bd1ee27518e4bd6e1e465a78" https://io.adafruit.com/api/v2/maker_jo/feeds
curl -H 'Content-Type: application/json' -d '{"msgtype":"text"}' 'https://oapi.dingtalk.com/robot/send?access_token=e6d0093459b79b210779895feefb37c986847182905b0e600fe7bc5c246dd329'
curl "https://api.etherscan.io/v2/api?chainid=1&module=account&action=balance&address=0xde0B295669a9FD93d5F28D9Ec85E40f4cb697BAe&apikey=0F09VVUADM5XN4Z1QGCSO2Y2Q30TT5FLO7"
curl -H 'x-rapidapi-key: dcce4bbf5bmsh4d287659214f3d6p1620bb9jsn6ceaa4d00e7' https://weatherapi-com.p.rapidapi.com/current.json?q=London
lk room list --url wss://demo-3f9a.livekit.cloud --api-key "$LIVEKIT_API_KEY" --api-secret x9WMWCiYUsW2j23lIinY68g6c7tWO7YnEPvDoOYNlAT
ngrok config add-authtoken w5FfxqGYenLCbWxhRbfEOhdLr5n_gaiCrMhIv4GVTKS1MqvlQ
tea login add --name codeberg --url https://codeberg.org --token e44f85b87f88619ccd3d050c8be7cf0ce35508d8
curl "https://api.polygon.io/v2/aggs/ticker/AAPL/prev?apiKey=lHUgwFVRTUVm6TGFYkluZfcsnN4SMXHz"
curl -H "Authorization: Token nbp_1RCS04JR5HLE5vQ5TKrBf2oxtceKSpfuYuo2" https://api.netbird.io/api/peers
curl -H "X-API-Key: ptr_Y0Xn9Cm7rv19hsOpN6nHo2xQAokkP0Y3NmagKkuixo2=" https://portainer.internal:9443/api/endpoints
oc login --token=sha256~OaV0RJutO5teRn_GulVsK0FpJw1vM2CC2TAVUKijpnS --server=https://api.ocp.internal:6443
curl -H "Authorization: Bearer dnkey-3VSCYYYX66IPQ2A2HLQ3HSE7LJ-F7BYFRSK6J57OWUNQOD36C5NTT5Q6DKE3HVQ27MYVEKGSWFKJG4Y" https://api.defined.net/v1/hosts
curl -H "Authorization: Token token=api_live_us.mrnGN5MUMza.mUNCt1VQxR6NfKiIDF-cI3GyhTexCh72" https://api.eu.onfido.com/v3.6/applicants
curl -X POST https://ims-na1.adobelogin.com/ims/token/v3 -d 'grant_type=client_credentials&client_id=cb1f2a8e9d3c4b5a6f7e8d9c0b1a2f3e&client_secret=p8e-FONj5WRWGqfGhrilen6tt-0Xe-Bzux3W&scope=openid,AdobeID'
