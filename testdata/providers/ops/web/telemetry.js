// Client and server telemetry bootstrap.
import Bugsnag from '@bugsnag/js';
import Ably from 'ably';

Bugsnag.start({ apiKey: '85567279c1a79f29c59295743a750471' });
const realtime = new Ably.Realtime('NN5mzW.soV_zs:j4i0hSWqMMTJtBIHtbdYnRD3HD4RghFVR6syZCZZRHG');
const es = new Client({ node: ES_URL, auth: { apiKey: process.env.ELASTIC_API_KEY } });
export { realtime, es };
